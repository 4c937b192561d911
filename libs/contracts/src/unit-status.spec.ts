import { isUnitStatus, NOT_AVAILABLE, UNIT_STATUS_LABELS_ZH, UNIT_STATUSES, VOID_ENDINGS } from './unit-status';

describe('unit statuses (domain.md §3)', () => {
  it('the task cycle in order, with the Chinese labels dispatchers use', () => {
    expect(UNIT_STATUSES.slice(0, 9).map((s) => UNIT_STATUS_LABELS_ZH[s])).toEqual([
      '站内待命',
      '收到指令',
      '驶向现场',
      '到达现场',
      '病人上车',
      '到达医院',
      '任务完成',
      '途中待命',
      '返回站中',
    ]);
  });
  it('void endings and not-available statuses', () => {
    expect(VOID_ENDINGS.map((s) => UNIT_STATUS_LABELS_ZH[s])).toEqual(['病人不去', '车到人走', '死亡不送', '中止/取消']);
    expect(NOT_AVAILABLE.map((s) => UNIT_STATUS_LABELS_ZH[s])).toEqual(['暂停调用', '维修', '未值班']);
  });
  it('16 distinct snake_case values', () => {
    expect(new Set(UNIT_STATUSES).size).toBe(16);
    for (const s of UNIT_STATUSES) expect(s).toMatch(/^[a-z]+(_[a-z]+)*$/);
  });
  it.each([
    ['en_route', true],
    ['EN_ROUTE', false],
    ['驶向现场', false],
    ['', false],
    [3, false],
    [null, false],
  ])('isUnitStatus(%j) = %s', (v, ok) => expect(isUnitStatus(v)).toBe(ok));
});
