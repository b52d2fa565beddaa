-- The sandbox of a script VM, run once when the VM is made, after the
-- libraries are loaded and before any script. Its chunk name is "=sandbox":
-- the error handler skips frames from this chunk when it looks for the
-- script line to report.
--
-- Redis 7.0 patches its Lua so that tables can be made read-only; stock Lua
-- 5.1 cannot, so every table a script can reach from the globals (the
-- globals themselves, each library, the string metatable and the
-- metatables below) is replaced by an empty proxy whose metatable reads
-- through to the real table and refuses every write. The builtins that
-- would see through a proxy (rawget, rawset, next, pairs, setmetatable,
-- getmetatable, table.insert, table.remove) are wrapped to treat it as the
-- table it stands for.
--
-- The pcall family is wrapped too: Redis's pcall returns the message of an
-- error table rather than the table, errors raised by the engine's Rust
-- functions arrive as userdata and are turned into the value they stand
-- for, and once a script is killed no pcall may catch the kill.

local helpers = ...
local unwrap, killed = helpers.unwrap, helpers.killed

local G = _G
local type, error, select, tostring = type, error, select, tostring
local raw_rawget, raw_rawset, raw_next, raw_pairs = rawget, rawset, next, pairs
local raw_setmetatable, raw_getmetatable = setmetatable, getmetatable
local raw_pcall, raw_xpcall, raw_loadstring = pcall, xpcall, loadstring
local raw_resume = coroutine.resume
local raw_insert, raw_remove = table.insert, table.remove
local concat = table.concat
local byte = string.byte

local READONLY = 'Attempt to modify a readonly table'

-- proxy -> the real table it stands for.
local real_of = {}
-- The __metatable of a proxy that stands for a table without a metatable,
-- so that getmetatable answers nil for it.
local NO_METATABLE = {}

local function deny()
  error(READONLY, 2)
end

local function proxy(t, metatable_view)
  local p = {}
  raw_setmetatable(p, {
    __index = t,
    __newindex = deny,
    __metatable = metatable_view or NO_METATABLE,
  })
  real_of[p] = t
  return p
end

local function typename(n, ...)
  if select('#', ...) < n then
    return 'no value'
  end
  return type((select(n, ...)))
end

-- The error handler of a script run: it turns any error into Redis's error
-- table and records where the script was. Exposed as Redis exposes it.
local handler = helpers.handler

local function unwrap_ud(e)
  if type(e) == 'userdata' then
    return unwrap(e)
  end
  return e
end

local function pcall_result(ok, ...)
  if ok then
    return ok, ...
  end
  if killed() then
    error((...), 0)
  end
  local e = unwrap_ud((...))
  if type(e) == 'table' then
    local m = e.err
    if type(m) == 'string' or type(m) == 'number' then
      e = m
    end
  end
  return false, e
end

function G.pcall(...)
  if select('#', ...) == 0 then
    error("bad argument #1 to 'pcall' (value expected)", 2)
  end
  return pcall_result(raw_pcall(...))
end

local function plain_result(ok, ...)
  if ok then
    return ok, ...
  end
  if killed() then
    error((...), 0)
  end
  return false, unwrap_ud((...))
end

function G.xpcall(...)
  if select('#', ...) < 2 then
    error("bad argument #2 to 'xpcall' (value expected)", 2)
  end
  local f, h = ...
  local function wrapped(e)
    return h(unwrap_ud(e))
  end
  return plain_result(raw_xpcall(f, wrapped))
end

local coroutine_resume = function(co, ...)
  if type(co) ~= 'thread' then
    error("bad argument #1 to 'resume' (coroutine expected)", 2)
  end
  return plain_result(raw_resume(co, ...))
end

function G.rawget(t, ...)
  if type(t) ~= 'table' then
    error("bad argument #1 to 'rawget' (table expected, got " .. typename(1, t, ...) .. ")", 2)
  end
  return raw_rawget(real_of[t] or t, ...)
end

function G.rawset(t, ...)
  if type(t) ~= 'table' then
    error("bad argument #1 to 'rawset' (table expected, got " .. typename(1, t, ...) .. ")", 2)
  end
  if real_of[t] then
    error(READONLY, 0)
  end
  return raw_rawset(t, ...)
end

local function next_of(t, k)
  return raw_next(real_of[t] or t, k)
end

function G.next(t, ...)
  if type(t) ~= 'table' then
    error("bad argument #1 to 'next' (table expected, got " .. typename(1, t, ...) .. ")", 2)
  end
  return raw_next(real_of[t] or t, ...)
end

function G.pairs(t, ...)
  if type(t) ~= 'table' then
    error("bad argument #1 to 'pairs' (table expected, got " .. typename(1, t, ...) .. ")", 2)
  end
  if real_of[t] then
    return next_of, t, nil
  end
  return raw_pairs(t)
end

function G.setmetatable(t, ...)
  if type(t) ~= 'table' then
    error("bad argument #1 to 'setmetatable' (table expected, got " .. typename(1, t, ...) .. ")", 2)
  end
  if real_of[t] then
    error(READONLY, 0)
  end
  local mt = ...
  if mt ~= nil and type(mt) ~= 'table' then
    error("bad argument #2 to 'setmetatable' (nil or table expected)", 2)
  end
  local ok, r = raw_pcall(raw_setmetatable, t, mt)
  if not ok then
    error(r, 2)
  end
  return r
end

function G.getmetatable(...)
  if select('#', ...) == 0 then
    error("bad argument #1 to 'getmetatable' (value expected)", 2)
  end
  local mt = raw_getmetatable((...))
  if mt == NO_METATABLE then
    return nil
  end
  return mt
end

-- Redis's Lua refuses precompiled chunks by parsing them as text, which
-- fails on their first byte: a leading space gives the same message
-- without changing the chunk's name or line numbers.
function G.loadstring(s, name, ...)
  local t = type(s)
  if t ~= 'string' and t ~= 'number' then
    error("bad argument #1 to 'loadstring' (string expected, got " .. typename(1, s, name, ...) .. ")", 2)
  end
  s = tostring(s)
  if byte(s, 1) == 27 then
    return raw_loadstring(' ' .. s, name or s)
  end
  return raw_loadstring(s, name or s)
end

function G.load(f, name)
  if type(f) ~= 'function' then
    error("bad argument #1 to 'load' (function expected, got " .. typename(1, f) .. ")", 2)
  end
  local parts = {}
  while true do
    local piece = f()
    if piece == nil or piece == '' then
      break
    end
    if type(piece) ~= 'string' then
      return nil, 'reader function must return a string'
    end
    parts[#parts + 1] = piece
  end
  local s = concat(parts)
  if byte(s, 1) == 27 then
    s = ' ' .. s
  end
  return raw_loadstring(s, name or '=(load)')
end

local tables = {}

function tables.insert(t, ...)
  if real_of[t] then
    error(READONLY, 0)
  end
  return raw_insert(t, ...)
end

function tables.remove(t, ...)
  if real_of[t] then
    error(READONLY, 0)
  end
  return raw_remove(t, ...)
end

table.insert = tables.insert
table.remove = tables.remove
coroutine.resume = coroutine_resume

-- Globals Redis 7.0 does not have.
for _, name in raw_pairs({ 'print', 'dofile', 'loadfile', 'getfenv', 'setfenv', 'newproxy', 'module', 'require', 'package', 'os', 'io', 'debug' }) do
  raw_rawset(G, name, nil)
end
raw_rawset(G, '__redis__err__handler', handler)

-- The proxies. Library tables first, so that the globals hold proxies.
local libraries = { 'string', 'table', 'math', 'coroutine', 'bit', 'cjson', 'struct', 'cmsgpack', 'redis' }
local proxies = {}
for _, name in raw_pairs(libraries) do
  local lib = raw_rawget(G, name)
  if lib ~= nil then
    proxies[name] = proxy(lib)
    raw_rawset(G, name, proxies[name])
  end
end

-- Strings index the string library through the proxy, and their metatable
-- is itself read-only.
local string_mt = raw_getmetatable('')
string_mt.__index = proxies.string
string_mt.__metatable = proxy(string_mt)

-- Reading a global that does not exist is an error.
local globals_mt = {
  __index = function(_, name)
    error("Script attempted to access nonexistent global variable '" .. tostring(name) .. "'", 2)
  end,
}
raw_setmetatable(G, globals_mt)
local globals = proxy(G, proxy(globals_mt))
raw_rawset(G, '_G', globals)

return globals, proxies
