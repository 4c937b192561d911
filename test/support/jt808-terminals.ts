import { Jt808TerminalClient } from '../../apps/server/src/simulator/jt808-terminal-client';

/**
 * A JT/T 808 terminal of a unit on a built server: the phone provisioned through the admin API
 * (PUT /admin/units/:id/jt808), then connected to the gateway, registered (0x0100) and authenticated
 * (0x0102), ready to report. Throws if any step is refused.
 */
export async function provisionedJt808Terminal(
  srv: { api(path: string, init?: RequestInit): Promise<Response> },
  jt808Port: number,
  unitId: string,
  phone: string,
): Promise<Jt808TerminalClient> {
  const r = await srv.api(`/admin/units/${unitId}/jt808`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ phone }) });
  if (r.status !== 200) throw new Error(`provisioning ${unitId}: HTTP ${r.status} ${await r.text()}`);
  const t = new Jt808TerminalClient(phone);
  await t.connect('127.0.0.1', jt808Port);
  const reg = await t.register();
  if (reg.result !== 0) throw new Error(`0x0100 of ${unitId}: result ${reg.result}`);
  const auth = await t.authenticate(reg.authCode!);
  if (auth !== 0) {
    t.destroy();
    throw new Error(`0x0102 of ${unitId}: result ${auth}`);
  }
  return t;
}
