/**
 * One plan drawn with plain DOM: a summary, the tree of nodes (nested <details>, so a subtree
 * folds with a click or the keyboard) with a bar for each node's share of the time, and beside it
 * the nodes that cost the most, slowest first; a click there shows the node in the tree.
 * Widths and indents are set through the CSSOM (element.style), which the webview's CSP allows,
 * unlike style attributes.
 */
import type { PlanEntry } from '../../src/shared/plan-protocol';
import { MISESTIMATE_HIGHLIGHT, formatFactor, formatMs, parsePlan } from '../model/plan-model';
import type { PlanModel, PlanNode } from '../model/plan-model';
import { el } from './dom';

/** Nodes listed in the ranking. */
export const RANKED = 15;

export interface DrawnPlan {
  root: HTMLElement;
  nodes: number;
  error?: string;
}

/** The plan's model, or why its text is not a plan. */
export function modelOf(entry: PlanEntry): PlanModel | Error {
  try {
    return parsePlan(entry.json);
  } catch (err) {
    return err as Error;
  }
}

export function drawPlan(entry: PlanEntry, model: PlanModel | Error): DrawnPlan {
  const root = el('section', 'plan-pane');
  root.dataset.planId = entry.id;
  if (model instanceof Error) {
    root.append(summary(entry, undefined), el('div', 'plan-error', `This plan cannot be drawn: ${model.message}`));
    return { root, nodes: 0, error: model.message };
  }
  const body = el('div', 'plan-body');
  const tree = el('div', 'plan-tree');
  const rows = new Map<number, HTMLDetailsElement>();
  tree.append(drawNode(model, model.nodes[0], rows));
  body.append(tree, ranking(model, rows));
  root.append(summary(entry, model), body);
  return { root, nodes: model.nodes.length };
}

function summary(entry: PlanEntry, model: PlanModel | undefined): HTMLElement {
  const box = el('div', 'plan-summary');
  const facts: string[] = [];
  if (model?.planningMs !== undefined) facts.push(`Planning ${formatMs(model.planningMs)}`);
  if (model?.executionMs !== undefined) facts.push(`Execution ${formatMs(model.executionMs)}`);
  if (model && !model.analyzed) facts.push(`Total cost ${model.total.toFixed(2)} (estimates only: run Explain Analyze for times)`);
  if (model) facts.push(`${count(model.nodes.length)} nodes`);
  facts.push(entry.options.length > 0 ? entry.options.join(', ') : 'no options');
  facts.push(new Date(entry.ranAt).toLocaleTimeString());
  box.append(el('div', 'plan-facts', facts.join(' · ')));
  if (entry.rolledBack) {
    box.append(el('div', 'plan-rolled-back', entry.rolledBack === 'savepoint'
      ? 'The statement ran and was rolled back to a savepoint: your transaction is as it was.'
      : 'The statement ran inside a transaction that was rolled back: nothing it changed was kept.'));
  }
  const sql = el('pre', 'plan-sql', entry.sql);
  sql.title = entry.sql;
  box.append(sql);
  if (model && model.triggers.length > 0) {
    box.append(el('div', 'plan-triggers', `Triggers: ${model.triggers.map((t) => `${t.name}${t.relation ? ` on ${t.relation}` : ''} ${formatMs(t.ms)} (${t.calls} calls)`).join('; ')}`));
  }
  const settings = model ? Object.entries(model.settings) : [];
  if (settings.length > 0) box.append(el('div', 'plan-settings', `Settings: ${settings.map(([k, v]) => `${k} = ${v}`).join(', ')}`));
  return box;
}

function drawNode(model: PlanModel, node: PlanNode, rows: Map<number, HTMLDetailsElement>): HTMLDetailsElement {
  const item = el('details', 'plan-node');
  item.open = true;
  item.dataset.nodeId = String(node.id);
  rows.set(node.id, item);
  const head = el('summary', 'node-head');
  if (node.relationship) head.append(el('span', 'node-rel', node.relationship));
  head.append(el('span', 'node-label', node.label));
  if (node.neverExecuted) head.append(el('span', 'node-tag never', 'never executed'));

  const share = model.total > 0 ? (model.analyzed ? (node.exclusiveMs ?? 0) : node.exclusiveCost) / model.total : 0;
  const bar = el('span', 'node-bar');
  const fill = el('span', `node-bar-fill${share >= 0.5 ? ' hot' : share >= 0.1 ? ' warm' : ''}`);
  fill.style.width = `${Math.min(100, Math.max(0, share * 100)).toFixed(1)}%`;
  bar.append(fill);
  bar.title = `${(share * 100).toFixed(1)}% of the plan's ${model.analyzed ? 'time' : 'cost'}`;
  head.append(bar);

  const stats = el('span', 'node-stats');
  if (model.analyzed && node.inclusiveMs !== undefined) {
    stats.append(stat('node-time', `${formatMs(node.exclusiveMs ?? 0)} self`, 'Exclusive time: this node alone'));
    stats.append(stat('node-time-total', `${formatMs(node.inclusiveMs)} total`, 'Inclusive time: this node and its children'));
  } else {
    stats.append(stat('node-cost', `cost ${node.exclusiveCost.toFixed(2)} self · ${node.totalCost.toFixed(2)} total`, 'Planner cost units'));
  }
  if (node.actualRows !== undefined) {
    stats.append(stat('node-rows', `rows ${count(node.planRows)} est → ${count(node.actualRows)}`, 'Rows per loop: estimated → actual'));
    if (node.misestimate !== undefined && node.misestimate >= 1.5) {
      const high = node.misestimate >= MISESTIMATE_HIGHLIGHT;
      const factor = stat(`node-misestimate${high ? ' high' : ''}`, `${formatFactor(node.misestimate)} ${node.misestimateDirection === 'under' ? 'under' : 'over'}`,
        node.misestimateDirection === 'under' ? 'The planner expected fewer rows' : 'The planner expected more rows');
      stats.append(factor);
    }
  } else {
    stats.append(stat('node-rows', `rows ${count(node.planRows)} est`, 'Estimated rows'));
  }
  if (node.loops !== undefined && node.loops > 1) stats.append(stat('node-loops', `${count(node.loops)} loops`, 'Times the node ran'));
  if (node.buffers) {
    const b = node.buffers;
    const parts = [`hit ${count(b.sharedHit)}`, `read ${count(b.sharedRead)}`];
    if (b.tempRead + b.tempWritten > 0) parts.push(`temp ${count(b.tempRead + b.tempWritten)}`);
    stats.append(stat('node-buffers', parts.join(' · '), 'Shared buffers (8 kB blocks) hit in cache and read, this node and its children'));
  }
  if (node.rowsRemoved !== undefined) stats.append(stat('node-removed', `${count(node.rowsRemoved)} removed`, 'Rows removed by a filter (per loop)'));
  head.append(stats);
  item.append(head);
  if (node.details.length > 0) item.append(el('div', 'node-details', node.details.join('\n')));
  if (node.childIds.length > 0) {
    const children = el('div', 'node-children');
    for (const id of node.childIds) children.append(drawNode(model, model.nodes[id], rows));
    item.append(children);
  }
  return item;
}

function ranking(model: PlanModel, rows: Map<number, HTMLDetailsElement>): HTMLElement {
  const aside = el('aside', 'plan-ranking');
  aside.append(el('h3', undefined, model.analyzed ? 'Slowest nodes (self time)' : 'Costliest nodes (self cost)'));
  const list = el('ol');
  for (const id of model.ranking.slice(0, RANKED)) {
    const node = model.nodes[id];
    const weight = model.analyzed ? (node.exclusiveMs ?? 0) : node.exclusiveCost;
    const share = model.total > 0 ? (weight / model.total) * 100 : 0;
    const button = el('button', 'rank-item');
    button.type = 'button';
    button.dataset.nodeId = String(id);
    button.append(el('span', 'rank-label', node.label), el('span', 'rank-value', `${model.analyzed ? formatMs(weight) : weight.toFixed(2)} · ${share.toFixed(1)}%`));
    if (node.misestimate !== undefined && node.misestimate >= MISESTIMATE_HIGHLIGHT) button.append(el('span', 'node-misestimate high', formatFactor(node.misestimate)));
    button.addEventListener('click', () => reveal(rows, model, id));
    const item = el('li');
    item.append(button);
    list.append(item);
  }
  aside.append(list);
  return aside;
}

/** Opens the node's ancestors, scrolls it into view and marks it for a moment. */
function reveal(rows: Map<number, HTMLDetailsElement>, model: PlanModel, id: number): void {
  for (let at: number | null = model.nodes[id].parentId; at !== null; at = model.nodes[at].parentId) {
    const row = rows.get(at);
    if (row) row.open = true;
  }
  const row = rows.get(id);
  if (!row) return;
  row.scrollIntoView({ block: 'center' });
  row.classList.add('flash');
  setTimeout(() => row.classList.remove('flash'), 1500);
}

function stat(className: string, text: string, title: string): HTMLElement {
  const span = el('span', `stat ${className}`, text);
  span.title = title;
  return span;
}

/** One formatter for every count: Number.prototype.toLocaleString builds a new one per call (~30 µs each). */
const COUNT = new Intl.NumberFormat('en-US');

function count(n: number): string {
  return Number.isInteger(n) ? COUNT.format(n) : n.toFixed(2);
}
