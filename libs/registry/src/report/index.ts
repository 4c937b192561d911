export * from './qc-report';
export * from './report-xlsx';
export * from './report-html';
