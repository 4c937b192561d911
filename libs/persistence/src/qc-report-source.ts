import type { DataSource } from 'typeorm';
import { taskTimesOf } from '@rescue/dispatch';
import { buildQcReport, type CoverageSummary, monthRange, type QcReport, type StationRecord, type UnitRecord } from '@rescue/registry';
import { RegistryRepository } from './registry.repository';
import { TaskRepository } from './task.repository';

/** The monthly QC report from the database: the month's tasks (live and imported) and the registry. Shared by `npm run report` and GET /reports/qc. */
export async function qcReportFromDatabase(db: DataSource, month: string, opts: { population: number | null; jurisdiction?: 'city' | 'county'; coverage?: CoverageSummary | null }): Promise<QcReport> {
  const { from, to } = monthRange(month);
  const tasks = (await new TaskRepository(db).tasksBetween(from, to, null)).map(taskTimesOf);
  const reg = new RegistryRepository(db);
  const stations = (await reg.list('stations')) as StationRecord[];
  const units = (await reg.list('units')) as UnitRecord[];
  return buildQcReport({ month, tasks, stationNames: Object.fromEntries(stations.map((s) => [s.id, s.name])), units, population: opts.population, jurisdiction: opts.jurisdiction, coverage: opts.coverage });
}
