import { Refusal, show } from './refusal';

/**
 * Step 2 for `ems/v1/units/{unitId}/presence`: exactly "online" or "offline" as plain text (the terminal
 * publishes "online" retained on connect and sets "offline" retained as its Last Will). An empty payload
 * is a cleared retained message: refused too, so it shows in the counts rather than vanishing.
 */
export function validatePresence(text: string): boolean | Refusal {
  if (text === 'online') return true;
  if (text === 'offline') return false;
  return new Refusal('schema', text === '' ? 'empty presence (retained message cleared?)' : `expected "online" or "offline", got ${show(text)}`);
}
