import { getPriority, setPriority } from 'node:os';

/**
 * Lowers the calling thread's scheduling priority by `steps` nice levels, for throughput work beside latency work:
 * a build's `.deb` readers and its proof's second run give way to the thread that reads the downloads' sockets,
 * which, starved on a busy machine, leaves the line idle (TCP stops the sender once the receive buffer is full).
 * Linux keeps the nice value per thread, and threads started later inherit it. Raising it back needs privileges,
 * so this is only ever for a thread whose work is all of that kind. Where it is refused or not supported, the
 * thread keeps the priority it has.
 */
export function lowerThreadPriority(steps: number): void {
  try {
    setPriority(Math.min(19, getPriority() + steps));
  } catch {
    // the work runs at the priority it has
  }
}
