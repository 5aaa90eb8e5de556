/**
 * The plan webview's boot: says ready, then draws the plans the host posts. A toolbar picks which
 * of the editor's kept plans is shown and, optionally, a second one to compare side by side. Each
 * drawing is reported to the host with the time from the message to the laid-out DOM.
 */
import { PlanDrawnCommand, PlanReadyCommand, PlansNotification } from '../src/shared/plan-protocol';
import type { PlanEntry, PlansParams } from '../src/shared/plan-protocol';
import { formatMs, parsePlan } from './model/plan-model';
import { loadState, onMessage, post, saveState } from './ipc';
import { el } from './view/dom';
import { drawPlan, modelOf } from './view/plan-tree';

const app = document.getElementById('app') ?? document.body;
let current: PlansParams | undefined;
let state = loadState();

onMessage((message) => {
  if (!PlansNotification.is(message)) return;
  const started = performance.now();
  current = message.params;
  // The host names the plan just run; otherwise keep what the user chose (a reloaded panel).
  const known = (id: string | null | undefined): string | null => (id && current?.plans.some((p) => p.id === id) ? id : null);
  state = message.params.reload
    ? { show: known(state.show) ?? known(message.params.show), compareWith: known(state.compareWith) }
    : { show: known(message.params.show) ?? known(state.show), compareWith: known(message.params.compareWith) };
  saveState(state);
  render(started);
});

post(PlanReadyCommand, {});

function render(started: number): void {
  if (!current) return;
  const plans = current.plans;
  const shown = plans.find((p) => p.id === state.show) ?? plans[plans.length - 1];
  const other = plans.find((p) => p.id === state.compareWith && p.id !== shown?.id);
  if (!shown) {
    app.replaceChildren(el('div', 'plan-empty', 'No plan yet: run Explain or Explain Analyze from a SQL editor.'));
    return;
  }
  const bar = toolbar(plans, shown, other);
  const panes = el('div', `plan-panes${other ? ' compare' : ''}`);
  // Compared plans: the older one on the left, "Before".
  const pair = other ? [other, shown].sort((a, b) => a.ranAt - b.ranAt) : [shown];
  const models = pair.map(modelOf);
  const parsed = performance.now();
  const drawn = pair.map((entry, i) => drawPlan(entry, models[i]));
  if (other) {
    drawn[0].root.prepend(el('div', 'pane-title', 'Before'));
    drawn[1].root.prepend(el('div', 'pane-title', 'After'));
  }
  for (const d of drawn) panes.append(d.root);
  app.replaceChildren(bar, panes);
  const built = performance.now();
  // Reading a layout property makes the browser lay the page out now: the time includes it.
  void app.offsetHeight;
  const laidOut = performance.now();
  const errors = drawn.map((d) => d.error).filter((e): e is string => e !== undefined);
  post(PlanDrawnCommand, {
    planIds: [shown.id, ...(other ? [other.id] : [])],
    nodes: drawn.reduce((n, d) => n + d.nodes, 0),
    ms: laidOut - started,
    phases: { parseMs: parsed - started, domMs: built - parsed, layoutMs: laidOut - built },
    ...(errors.length > 0 ? { error: errors.join('; ') } : {}),
  });
}

function toolbar(plans: PlanEntry[], shown: PlanEntry, other: PlanEntry | undefined): HTMLElement {
  const bar = el('div', 'plan-toolbar');
  const pick = select('plan-pick', plans.map((p) => [p.id, describe(p)]), shown.id);
  pick.addEventListener('change', () => choose({ show: pick.value, compareWith: state.compareWith === pick.value ? null : state.compareWith }));
  const compare = select('plan-compare', [['', 'Compare with… (none)'], ...plans.filter((p) => p.id !== shown.id).map((p): [string, string] => [p.id, describe(p)])], other?.id ?? '');
  compare.disabled = plans.length < 2;
  compare.title = plans.length < 2 ? 'Run another Explain in this editor (e.g. after adding an index) to compare two plans' : 'Draw another plan of this editor beside this one';
  compare.addEventListener('change', () => choose({ show: state.show ?? shown.id, compareWith: compare.value || null }));
  bar.append(el('label', undefined, 'Plan'), pick, compare);
  if (other) bar.append(el('span', 'plan-delta', other.ranAt <= shown.ranAt ? delta(other, shown) : delta(shown, other)));
  return bar;
}

function choose(next: { show: string | null; compareWith: string | null }): void {
  const started = performance.now();
  state = next;
  saveState(state);
  render(started);
}

function select(className: string, options: [string, string][], value: string): HTMLSelectElement {
  const box = el('select', className);
  for (const [id, text] of options) {
    const option = el('option', undefined, text);
    option.value = id;
    box.append(option);
  }
  box.value = value;
  return box;
}

function describe(plan: PlanEntry): string {
  const sql = plan.sql.replace(/\s+/g, ' ').trim();
  return `${new Date(plan.ranAt).toLocaleTimeString()} · ${plan.options.includes('ANALYZE') ? 'Analyze' : 'Estimate'} · ${sql.length > 50 ? `${sql.slice(0, 49)}…` : sql}`;
}

/** "Execution 120 ms → 3.1 ms (38.7× faster)" between the older and the newer plan. */
function delta(before: PlanEntry, after: PlanEntry): string {
  try {
    const a = parsePlan(before.json);
    const b = parsePlan(after.json);
    if (a.executionMs !== undefined && b.executionMs !== undefined) {
      const ratio = b.executionMs > 0 ? a.executionMs / b.executionMs : Infinity;
      const word = ratio >= 1 ? `${ratio.toFixed(1)}× faster` : `${(1 / ratio).toFixed(1)}× slower`;
      return `Execution ${formatMs(a.executionMs)} → ${formatMs(b.executionMs)} (${word})`;
    }
    return `Total cost ${a.total.toFixed(2)} → ${b.total.toFixed(2)}`;
  } catch {
    return '';
  }
}
