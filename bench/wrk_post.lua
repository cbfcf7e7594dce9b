-- wrk script for bench/harness.py: one fixed POST, repeated; its figures as one JSON line.
--
-- Environment: BENCH_BODY (the request body), BENCH_CONTENT_TYPE, BENCH_AUTHORIZATION (optional).
-- The harness stops wrk with SIGINT when the run's time is up (wrk's -d takes whole seconds only;
-- the figures are over the time wrk really ran).
-- Printed at the end: BENCH_RESULT {"requests": n, "duration_us": n, "p50_us": n, "p99_us": n,
-- "non_2xx": n, "socket_errors": n}

wrk.method = "POST"
wrk.body = os.getenv("BENCH_BODY") or ""
wrk.headers["Content-Type"] = os.getenv("BENCH_CONTENT_TYPE") or "application/json"
local authorization = os.getenv("BENCH_AUTHORIZATION")
if authorization and authorization ~= "" then
   wrk.headers["Authorization"] = authorization
end

done = function(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      'BENCH_RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, ' ..
      '"non_2xx": %d, "socket_errors": %d}\n',
      summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
      e.status, e.connect + e.read + e.write + e.timeout))
end
