/** How an accounting event is said: the ones that refuse or reinterpret counters at warn, the rest at info. */
import type { TrafficEvent } from '../accounting/traffic.js';
import type { Logger } from '../log.js';

export function logTrafficEvent(logger: Logger, event: TrafficEvent): void {
  const fields = { event: JSON.parse(JSON.stringify(event, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))) as unknown };
  if (event.kind === 'device-changed') {
    logger.warn({ ...fields, previousDeviceId: event.previousDeviceId, deviceId: event.deviceId }, "a different device answers at this router's address: new baseline, its counters are not added");
  } else if (event.kind === 'implausible') {
    logger.warn(fields, `interface ${event.interface}: counter step above what the link can carry (${event.ceilingBytes} bytes); new baseline, not added`);
  } else if (event.kind === 'uptime-glitch') {
    logger.warn(fields, "the router's uptime jumped but its counters kept counting: not a reboot, deltas continue");
  } else logger.info(fields, 'traffic accounting event');
}
