// Preloaded into the server by bench:dispatch when BENCH_CPU_PROF is set (NODE_OPTIONS=--require …):
// the first SIGWINCH starts V8's sampling profiler, the second writes the profile to
// $RC_CPU_PROFILE_OUT and stops it, so the profile covers exactly the measured pass. (Not SIGUSR2:
// Nest's enableShutdownHooks() shuts the app down on it.)
'use strict';
const inspector = require('node:inspector');
const { writeFileSync } = require('node:fs');

const session = new inspector.Session();
session.connect();
let running = false;
process.on('SIGWINCH', () => {
  if (!running) {
    running = true;
    session.post('Profiler.enable', () =>
      session.post('Profiler.setSamplingInterval', { interval: 250 }, () => session.post('Profiler.start')));
    return;
  }
  running = false;
  session.post('Profiler.stop', (err, res) => {
    if (!err && res && res.profile) writeFileSync(process.env.RC_CPU_PROFILE_OUT, JSON.stringify(res.profile));
    session.post('Profiler.disable');
  });
});
