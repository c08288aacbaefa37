-- subscribe.lua: wrk script — POST a DISTINCT subscription per request to
-- /api/v1/catalog/subscribe (counter-based emails, variants spread over the catalog).
-- Environment: BENCH_KEY (public key, default abc123), BENCH_ITEMS (catalog size,
-- default 1000000), BENCH_RUN (a prefix that keeps runs apart, default the time).
-- The 2xx/non-2xx split is printed at the end (wrk counts only >= 400 as "Non-2xx").

local key = os.getenv("BENCH_KEY") or "abc123"
local items = tonumber(os.getenv("BENCH_ITEMS") or "1000000")
local run = os.getenv("BENCH_RUN") or tostring(os.time())
local threads = {}
local next_id = 0

function setup(thread)
	thread:set("tid", next_id)
	next_id = next_id + 1
	table.insert(threads, thread)
end

function init(args)
	counter = 0
	ok2xx = 0
	other = 0
	wrk.method = "POST"
	wrk.path = "/api/v1/catalog/subscribe"
	wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end

function request()
	counter = counter + 1
	-- spread over the catalog: a large odd stride visits every item
	local n = (tid * 7919 + counter * 104729) % items
	local body = string.format("a=%s&email=b%s-t%d-%d%%40example.com&variant=SKU-%08d&platform=api",
		key, run, tid, counter, n)
	return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
	if status >= 200 and status < 300 then
		ok2xx = ok2xx + 1
	else
		other = other + 1
	end
end

function done(summary, latency, requests)
	local ok, bad = 0, 0
	for _, t in ipairs(threads) do
		ok = ok + (t:get("ok2xx") or 0)
		bad = bad + (t:get("other") or 0)
	end
	io.write(string.format("BENCH 2xx=%d non2xx=%d p50_us=%d p99_us=%d\n",
		ok, bad, latency:percentile(50), latency:percentile(99)))
end
