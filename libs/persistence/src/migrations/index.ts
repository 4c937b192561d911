import { CoreSchema1763900000000 } from './1763900000000-core-schema';
import { UnitPositions1763900000001 } from './1763900000001-unit-positions';
import { Tasks1763900000002 } from './1763900000002-tasks';
import { AuditLog1763900000003 } from './1763900000003-audit-log';
import { UnitCredentials1763900000004 } from './1763900000004-unit-credentials';
import { Jt808Terminals1763900000010 } from './1763900000010-jt808-terminals';
import { TaskOrders1763900000011 } from './1763900000011-task-orders';
import { UnitAlarms1763900000012 } from './1763900000012-unit-alarms';
import { EdgeSpeeds1763900000070 } from './1763900000070-edge-speeds';
import { Registry1763900000020 } from './1763900000020-registry';
import { ImportedTasks1763900000021 } from './1763900000021-imported-tasks';
import { Population1763900000022 } from './1763900000022-population';
import { UserAccounts1763900000030 } from './1763900000030-user-accounts';
import { Webhooks1763900000045 } from './1763900000045-webhooks';
import { AccountTotp1763900000031 } from './1763900000031-account-totp';
import { AuditorRole1763900000032 } from './1763900000032-auditor-role';
import { LoginThrottle1763900000033 } from './1763900000033-login-throttle';
import { Calls1763900000050 } from './1763900000050-calls';

/** Every migration, in order. Schema changes only here (synchronize stays off). */
export const MIGRATIONS = [CoreSchema1763900000000, UnitPositions1763900000001, Tasks1763900000002, AuditLog1763900000003, UnitCredentials1763900000004, Jt808Terminals1763900000010, TaskOrders1763900000011, UnitAlarms1763900000012, Registry1763900000020, ImportedTasks1763900000021, Population1763900000022, UserAccounts1763900000030, AccountTotp1763900000031, AuditorRole1763900000032, LoginThrottle1763900000033, Webhooks1763900000045, Calls1763900000050, EdgeSpeeds1763900000070];
