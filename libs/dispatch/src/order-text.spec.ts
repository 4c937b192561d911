import { dispatchOrderText } from './order-text';

describe('dispatchOrderText', () => {
  it('says priority, place and task id in Chinese', () => {
    expect(dispatchOrderText({ taskId: 'T-1', priority: 1, emergency: true, lat: 22.543096, lon: 114.057865, address: null })).toBe(
      '【120调度】紧急出车！ 优先级一级（危重） 地点：坐标 22.54310,114.05787 任务号：T-1 请确认收到。',
    );
  });
  it('prefers the address to the coordinates', () => {
    const t = dispatchOrderText({ taskId: 'T-2', priority: 4, emergency: false, lat: 0, lon: 0, address: '深圳市福田区深南大道1号' });
    expect(t).toContain('地点：深圳市福田区深南大道1号');
    expect(t).toContain('优先级四级（非紧急）');
    expect(t).not.toContain('坐标');
  });
});
