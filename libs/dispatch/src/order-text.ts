/** What a dispatch order says to the crew, on their terminal's display and read aloud (TTS). */
export interface OrderTextInput {
  taskId: string;
  priority: 1 | 2 | 3 | 4;
  emergency: boolean;
  lat: number;
  lon: number;
  address: string | null;
}

const PRIORITY_ZH: Record<1 | 2 | 3 | 4, string> = { 1: '一级（危重）', 2: '二级（急重）', 3: '三级（紧急）', 4: '四级（非紧急）' };

/**
 * Chinese first, as the crew reads it: 【120调度】, priority in words (病情分级 1-4), the place (the address
 * when the call-taker has one, else the incident coordinates, WGS-84, 5 decimals ≈ 1 m), the task id (so a
 * crew can quote it), and what to do. Short: a JT/T 808 text message holds ~500 Chinese characters.
 */
export function dispatchOrderText(o: OrderTextInput): string {
  const place = o.address ?? `坐标 ${o.lat.toFixed(5)},${o.lon.toFixed(5)}`;
  return `【120调度】${o.emergency ? '紧急出车！' : '出车'} 优先级${PRIORITY_ZH[o.priority]} 地点：${place} 任务号：${o.taskId} 请确认收到。`;
}
