import { Observable, Subject } from 'rxjs';
import { jt808AlarmBit } from '@rescue/telemetry';
import type { UnitAlarmRow } from '@rescue/persistence';

/** An alarm episode as the API and the console's SSE stream show it. */
export interface AlarmView {
  id: number;
  unitId: string;
  code: string;
  bit: number;
  /** As the standard names it (Chinese first in the console). */
  nameZh: string;
  nameEn: string;
  urgent: boolean;
  active: boolean;
  raisedAt: string;
  clearedAt: string | null;
  lat: number | null;
  lon: number | null;
  late: boolean;
}

export function alarmView(a: UnitAlarmRow): AlarmView {
  const meaning = jt808AlarmBit(a.bit);
  return {
    id: a.id, unitId: a.unitId, code: a.code, bit: a.bit, nameZh: meaning.zh, nameEn: meaning.en, urgent: meaning.urgent,
    active: a.clearedAt === null, raisedAt: new Date(a.raisedAt).toISOString(), clearedAt: a.clearedAt === null ? null : new Date(a.clearedAt).toISOString(),
    lat: a.lat, lon: a.lon, late: a.late,
  };
}

/** Alarm episodes raised or cleared, after their batch committed (the SSE stream's "alarm" events). */
export class AlarmFeed {
  private readonly changed = new Subject<AlarmView>();

  get changes(): Observable<AlarmView> {
    return this.changed.asObservable();
  }

  publish(rows: UnitAlarmRow[]): void {
    for (const r of rows) this.changed.next(alarmView(r));
  }
}
