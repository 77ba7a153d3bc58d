-- wrk's load for the example service: 90 % item reads, skewed so a few thousand items are hot (the cache
-- warms), 9 % stock moves of one unit either way (each a transaction, and an invalidation), 1 % reports.
--     wrk -t2 -c32 -d30s -s load.lua http://127.0.0.1:8080
local items = tonumber(os.getenv("ITEMS") or "100000")
math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 1000)

request = function()
    local pick = math.random()
    -- id = items * u^6: the first 10 % of the ids get about 68 % of the reads.
    local id = math.floor(items * math.random() ^ 6) + 1
    if pick < 0.90 then
        return wrk.format("GET", "/items/" .. id)
    elseif pick < 0.99 then
        local delta = (math.random() < 0.5) and -1 or 1
        return wrk.format("POST", "/items/" .. id .. "/stock?delta=" .. delta)
    end
    return wrk.format("GET", "/report")
end
