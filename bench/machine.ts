/** The machine a bench ran on, so a figure is never read without knowing where it came from. */
import * as fs from 'node:fs';
import * as os from 'node:os';

export interface MachineInfo {
  cpu: string;
  cores: number;
  ramGiB: number;
  node: string;
  postgres: string;
  os: string;
}

export function machineInfo(postgres: string): MachineInfo {
  let cpu = os.cpus()[0]?.model ?? 'unknown';
  try {
    // /proc/cpuinfo names the CPU as the hypervisor shows it; os.cpus() can be empty in sandboxes.
    const line = fs.readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('model name'));
    if (line) cpu = line.split(':').slice(1).join(':').trim();
  } catch {
    // Not Linux: keep os.cpus()'s answer.
  }
  return {
    cpu,
    cores: os.availableParallelism(),
    ramGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    postgres,
    os: `${os.type()} ${os.release()}`,
  };
}

export function describeMachine(m: MachineInfo): string {
  return `${m.cpu}, ${m.cores} cores, ${m.ramGiB} GiB RAM, Node ${m.node}, PostgreSQL ${m.postgres}, ${m.os}`;
}
