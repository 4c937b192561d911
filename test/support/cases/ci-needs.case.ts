import { describeNeeding, itNeeding, type Need } from '../needs';

// Run by needs.spec.ts in a child Jest with CI=true: the suites needing an absent service must fail.
const absent: Need = { service: 'Absent service', present: false, hint: 'none, on purpose' };
const present: Need = { service: 'Present service', present: true, hint: 'none' };

describeNeeding(absent)('a suite needing an absent service', () => {
  it('never runs', () => {
    throw new Error('the body of a suite whose service is absent ran');
  });
});

describeNeeding(present)('a suite whose service is there', () => {
  it('runs', () => {
    expect(present.present).toBe(true);
  });
  itNeeding(absent)('a test needing an absent service', () => {
    throw new Error('the body of a test whose service is absent ran');
  });
});
