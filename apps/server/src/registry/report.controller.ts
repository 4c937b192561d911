import { Controller, Get, Inject, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { BadInputError } from '@rescue/common';
import { qcReportFromDatabase } from '@rescue/persistence';
import { monthRange, type QcReport, qcReportHtml, qcReportXlsx } from '@rescue/registry';
import { Roles } from '../security/access.decorators';

/** The monthly QC report (issue 13 item 4): the console's download, and the embedded path of `npm run report`. */
@ApiTags('registry')
@Roles('planner', 'dispatcher')
@Controller('reports')
export class ReportController {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  @Get('qc')
  @ApiOperation({ summary: '院前急救质控月报 monthly QC report: XLSX (Chinese sheets), printable HTML, or JSON' })
  @ApiQuery({ name: 'month', description: 'YYYY-MM (Beijing time)', example: '2026-11' })
  @ApiQuery({ name: 'format', enum: ['xlsx', 'html', 'json'], required: false })
  @ApiQuery({ name: 'population', required: false, description: 'people served, for the 1-per-30,000 fleet ratio' })
  @ApiQuery({ name: 'jurisdiction', enum: ['city', 'county'], required: false })
  async qc(@Query() q: Record<string, unknown>, @Res({ passthrough: true }) res: Response): Promise<QcReport | string | StreamableFile> {
    const month = typeof q['month'] === 'string' ? q['month'] : '';
    try {
      monthRange(month);
    } catch (e) {
      throw new BadInputError((e as Error).message);
    }
    const format = q['format'] ?? 'json';
    if (format !== 'xlsx' && format !== 'html' && format !== 'json') throw new BadInputError('format: xlsx, html or json');
    const pop = q['population'] === undefined ? null : Number(q['population']);
    if (pop !== null && !(Number.isFinite(pop) && pop > 0 && pop < 2e9)) throw new BadInputError('population: a positive number');
    const j = q['jurisdiction'] ?? 'city';
    if (j !== 'city' && j !== 'county') throw new BadInputError('jurisdiction: city or county');
    const report = await qcReportFromDatabase(this.db, month, { population: pop, jurisdiction: j });
    if (format === 'json') return report;
    const name = `qc-${month}.${format}`;
    res.setHeader('content-disposition', `attachment; filename="${name}"`);
    if (format === 'html') {
      res.type('text/html; charset=utf-8');
      return qcReportHtml(report);
    }
    res.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    // A Buffer returned as is would be sent as JSON ({"type":"Buffer",…}): Nest sends bytes from a StreamableFile.
    return new StreamableFile(await qcReportXlsx(report));
  }
}
