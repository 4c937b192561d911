import { Global, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { IngestRepository, UnitAlarmsRepository } from '@rescue/persistence';
import { AlarmFeed } from './alarm-feed';
import { AlarmsController } from './alarms.controller';

/**
 * Terminal alarms: the API, and the feed the console's SSE stream carries ("alarm" events). Ingest
 * decides raise/clear inside each batch's transaction; the feed hears of it after the commit. Global so
 * the fleet stream takes the feed without importing this module.
 */
@Global()
@Module({
  controllers: [AlarmsController],
  providers: [
    { provide: UnitAlarmsRepository, inject: [DataSource], useFactory: (ds: DataSource) => new UnitAlarmsRepository(ds) },
    {
      provide: AlarmFeed,
      inject: [IngestRepository],
      useFactory: (ingest: IngestRepository) => {
        const feed = new AlarmFeed();
        ingest.onAlarmChanges((rows) => feed.publish(rows));
        return feed;
      },
    },
  ],
  exports: [AlarmFeed, UnitAlarmsRepository],
})
export class AlarmsModule {}
