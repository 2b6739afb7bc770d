/** The machine a result was measured on: printed and stored with every result. */
import { cpus, release, totalmem } from 'node:os';

export function machine() {
  const list = cpus();
  return {
    cores: list.length,
    cpuModel: list[0]?.model ?? 'unknown',
    memoryBytes: totalmem(),
    node: process.version,
    os: `${process.platform} ${release()}`,
  };
}
