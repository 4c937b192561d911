// Labels in Chinese (default) and English. Unit status labels in Chinese come from the server
// (UNIT_STATUS_LABELS_ZH in libs/contracts) so the console never disagrees with the terminals.
const DICT = {
  zh: {
    title: '120 调度台', 'tab.fleet': '车队', 'tab.dispatch': '调度', 'tab.planning': '规划', 'tab.indicators': '指标', 'tab.registry': '登记', 'tab.accounts': '账号',
    onlineTiles: '在线底图 (OSM)', 'conn.open': '实时连接', 'conn.connecting': '连接中…', 'conn.error': '连接中断，重连中…',
    units: '车辆', unit: '车辆', name: '名称', station: '站点', status: '状态', task: '任务', fixAge: '定位时效', speed: '速度',
    online: '在线', offline: '离线', stale: '定位过期', yes: '是', no: '否', none: '无', legend: '图例', selectUnit: '点击地图或列表中的车辆查看详情。',
    lastFix: '最后定位', capabilities: '能力', track: '轨迹回放', from: '从', to: '到', replay: '回放', play: '播放', pause: '暂停',
    trackEmpty: '该时段没有定位记录。', points: '个点', clearTrack: '清除',
    dispatchHint: '点击地图选择事件地点，或输入坐标（纬度,经度）。', location: '地点', priority: '优先级', als: '需要高级生命支持 (ALS)',
    recommend: '推荐车辆', recommendations: '推荐车辆', rank: '排名', eta: '预计到达', roadDist: '道路距离', straightDist: '直线距离',
    assign: '指派', assigned: '已指派', excluded: '排除的车辆', reason: '原因', detail: '说明', noCandidates: '没有可用车辆。',
    notRoutable: '事件地点离道路太远，无法规划路线。', conflict: '指派失败：该车辆已被其他调度员先行指派', taskCreated: '任务已创建',
    snap: '吸附到道路', error: '错误', working: '计算中…', 'prio.1': '1 危重', 'prio.2': '2 急重', 'prio.3': '3 紧急', 'prio.4': '4 非紧急',
    'reason.busy': '执行任务中', 'reason.not_available': '不可调用', 'reason.offline': '终端离线', 'reason.lacking_capability': '能力不符',
    'reason.no_position': '无定位', 'reason.stale': '定位过期', 'reason.unreachable': '无法到达',
    planningHint: '站点等时圈、1030 规则（15 分钟圈）覆盖分析与实时覆盖。', isochrones: '站点等时圈', allStations: '全部站点', show: '显示',
    minutes: '分钟', ruleCoverage: '规则覆盖（1030，15 分钟）', covered: '已覆盖', uncovered: '未覆盖', liveCoverage: '实时覆盖', analyse: '分析',
    areaClass: '区域类别', lossIfSent: '派出后覆盖损失',
    coverageUnavailable: '覆盖服务尚未提供（/coverage 接口不可用）。', clear: '清除', share: '比例', population: '需求',
    indicators: '质量指标', period: '时段', load: '查询', overall: '总体', tasks: '任务数', dep3: '3 分钟出车率', respMean: '平均反应时间',
    respP90: '反应时间 P90', roadMean: '平均途中时间', sceneMean: '平均现场时间', callMean: '平均出诊时间', satisfaction: '需求满足率',
    missing: '缺失', downloadCsv: '下载 CSV', noTasks: '该时段没有任务。', chartDep3: '3 分钟出车率（按站点）', chartResp: '平均反应时间（分钟，按站点）',
    attribution: '地图数据 © OpenStreetMap 贡献者，ODbL 1.0',
    'alarm.title': '终端报警', 'order.title': '调度指令', 'order.acknowledged': '已确认', 'order.undelivered': '未确认', 'order.unsent': '未发出', 'order.sent': '已发送',
    'order.times': '次', 'order.retries': '重发', 'order.at': '时间', 'order.by.terminal': '车载终端', 'order.by.dispatcher': '调度员',
  },
  en: {
    title: '120 Dispatch Console', 'tab.fleet': 'Fleet', 'tab.dispatch': 'Dispatch', 'tab.planning': 'Planning', 'tab.indicators': 'Indicators', 'tab.registry': 'Registry', 'tab.accounts': 'Accounts',
    onlineTiles: 'Online tiles (OSM)', 'conn.open': 'Live', 'conn.connecting': 'Connecting…', 'conn.error': 'Disconnected, retrying…',
    units: 'Units', unit: 'Unit', name: 'Name', station: 'Station', status: 'Status', task: 'Task', fixAge: 'Fix age', speed: 'Speed',
    online: 'Online', offline: 'offline', stale: 'stale', yes: 'yes', no: 'no', none: 'none', legend: 'Legend', selectUnit: 'Click a unit on the map or in the list.',
    lastFix: 'Last fix', capabilities: 'Capabilities', track: 'Track replay', from: 'From', to: 'To', replay: 'Replay', play: 'Play', pause: 'Pause',
    trackEmpty: 'No fixes in this range.', points: 'points', clearTrack: 'Clear',
    dispatchHint: 'Click the map at the incident, or enter lat,lon.', location: 'Location', priority: 'Priority', als: 'Needs advanced life support (ALS)',
    recommend: 'Recommend', recommendations: 'Recommended units', rank: '#', eta: 'ETA', roadDist: 'Road', straightDist: 'Straight',
    assign: 'Assign', assigned: 'Assigned', excluded: 'Excluded units', reason: 'Reason', detail: 'Detail', noCandidates: 'No unit available.',
    notRoutable: 'The incident is too far from any road to route.', conflict: 'Not assigned: another dispatcher assigned this unit first', taskCreated: 'Task created',
    snap: 'snapped to road', error: 'Error', working: 'Working…', 'prio.1': '1 critical', 'prio.2': '2 serious', 'prio.3': '3 urgent', 'prio.4': '4 non-urgent',
    'reason.busy': 'on a task', 'reason.not_available': 'not available', 'reason.offline': 'terminal offline', 'reason.lacking_capability': 'lacks capability',
    'reason.no_position': 'no position', 'reason.stale': 'stale position', 'reason.unreachable': 'unreachable',
    planningHint: 'Station isochrones, a rule’s coverage (1030, 15-minute circle) and the live coverage.', isochrones: 'Station isochrones', allStations: 'All stations', show: 'Show',
    minutes: 'min', ruleCoverage: 'Rule coverage (1030, 15 min)', covered: 'covered', uncovered: 'uncovered', liveCoverage: 'Live coverage', analyse: 'Analyse',
    areaClass: 'Area class', lossIfSent: 'Loss if sent',
    coverageUnavailable: 'Coverage service not available (/coverage endpoints missing).', clear: 'Clear', share: 'share', population: 'demand',
    indicators: 'Quality indicators', period: 'Period', load: 'Load', overall: 'Overall', tasks: 'Tasks', dep3: '3-min departure rate', respMean: 'Mean response',
    respP90: 'Response P90', roadMean: 'Mean road time', sceneMean: 'Mean on-scene', callMean: 'Mean on-call', satisfaction: 'Demand satisfaction',
    missing: 'missing', downloadCsv: 'Download CSV', noTasks: 'No tasks in this period.', chartDep3: '3-minute departure rate by station', chartResp: 'Mean response time (min) by station',
    attribution: 'Map data © OpenStreetMap contributors, ODbL 1.0',
    'alarm.title': 'Terminal alarms', 'order.title': 'Dispatch orders', 'order.acknowledged': 'acknowledged', 'order.undelivered': 'not acknowledged', 'order.unsent': 'not sent yet', 'order.sent': 'sent',
    'order.times': '×', 'order.retries': 'Retries', 'order.at': 'Time', 'order.by.terminal': 'terminal', 'order.by.dispatcher': 'dispatcher',
  },
};

const STATUS_EN = {
  available_at_station: 'Available at station', order_received: 'Order received', en_route: 'En route', on_scene: 'On scene',
  patient_loaded: 'Patient loaded', at_hospital: 'At hospital', task_complete: 'Task complete', available_returning: 'Available, returning',
  back_at_station: 'Back at station', refused: 'Patient refused', gone_on_arrival: 'Gone on arrival', dead_not_transported: 'Dead, not transported',
  aborted: 'Aborted', suspended: 'Suspended', maintenance: 'Maintenance', off_duty: 'Off duty',
};

let lang = localStorage.getItem('rc.lang') === 'en' ? 'en' : 'zh';
let statusZh = {};
const listeners = [];

export function t(key) {
  return DICT[lang][key] ?? DICT.zh[key] ?? key;
}

export function statusLabel(status) {
  if (!status) return '—';
  return lang === 'zh' ? (statusZh[status] ?? status) : (STATUS_EN[status] ?? status);
}

export function setStatusLabelsZh(map) {
  statusZh = map;
}

export function getLang() {
  return lang;
}

export function setLang(l) {
  lang = l === 'en' ? 'en' : 'zh';
  localStorage.setItem('rc.lang', lang);
  applyStatic();
  for (const f of listeners) f(lang);
}

/** Re-render hook for views that build their own DOM. */
export function onLangChange(f) {
  listeners.push(f);
}

/** Elements with data-i18n get their text from the dictionary. */
export function applyStatic(root = document) {
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  const b = document.getElementById('lang');
  if (b) b.textContent = lang === 'zh' ? 'EN' : '中文';
  document.title = `${t('title')} · rescue-circle`;
}

/** A view's own labels (zh first, en), kept beside its code (board.js, hospital.js); the dictionary's own keys win. */
export function addLabels(zh, en) {
  DICT.zh = { ...zh, ...DICT.zh };
  DICT.en = { ...en, ...DICT.en };
}
