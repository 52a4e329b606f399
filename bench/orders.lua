-- wrk: POST /api/orders/ for one product, each request with its own Idempotency-Key.
-- The product id, token and a run id come from the environment (bench/orders.py sets them).
local product = os.getenv("BENCH_PRODUCT_ID")
local token = os.getenv("BENCH_ACCESS_TOKEN")
local run = os.getenv("BENCH_RUN_ID")
local counter = 0
local thread_id = 0

setup = function(thread)
  thread_id = thread_id + 1
  thread:set("tid", thread_id)
end

request = function()
  counter = counter + 1
  local headers = {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = string.format("%s-%d-%d", run, tid, counter),
  }
  local body = string.format('{"lines": [{"product_id": "%s", "quantity": 1}]}', product)
  return wrk.format("POST", "/api/orders/", headers, body)
end
