-- wrk: POST /api/orders/, one line for one of the benchmark's products (picked at random, as
-- real traffic spreads over a catalogue), each request with its own Idempotency-Key.
-- The product ids (comma-separated), token and a run id come from the environment.
local products = {}
for id in string.gmatch(os.getenv("BENCH_PRODUCT_IDS"), "[^,]+") do table.insert(products, id) end
local token = os.getenv("BENCH_ACCESS_TOKEN")
local run = os.getenv("BENCH_RUN_ID")
local counter = 0
local thread_id = 0

setup = function(thread)
  thread_id = thread_id + 1
  thread:set("tid", thread_id)
end

init = function()
  math.randomseed(os.time() + tid)
end

request = function()
  counter = counter + 1
  local headers = {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = string.format("%s-%d-%d", run, tid, counter),
  }
  local product = products[math.random(#products)]
  local body = string.format('{"lines": [{"product_id": "%s", "quantity": 1}]}', product)
  return wrk.format("POST", "/api/orders/", headers, body)
end
