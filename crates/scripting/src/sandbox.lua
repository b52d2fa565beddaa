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
-- table it stands for (builtins.rs, in Rust so that their errors carry
-- the caller's line even in tail position).
--
-- The pcall family is wrapped too: Redis's pcall returns the message of an
-- error table rather than the table, errors raised by the engine's Rust
-- functions arrive as userdata and are turned into the value they stand
-- for, and once a script is killed no pcall may catch the kill.

local helpers = ...
local unwrap, killed = helpers.unwrap, helpers.killed
-- proxy -> the real table it stands for (shared with builtins.rs).
local real_of = helpers.real_of
-- The __metatable of a proxy that stands for a table without a metatable,
-- so that getmetatable answers nil for it.
local NO_METATABLE = helpers.no_metatable

local G = _G
local type, error, select, tostring = type, error, select, tostring
local raw_rawget, raw_rawset, raw_pairs = rawget, rawset, pairs
local raw_setmetatable, raw_getmetatable = setmetatable, getmetatable
local raw_pcall, raw_xpcall = pcall, xpcall
local raw_resume = coroutine.resume

local READONLY = 'Attempt to modify a readonly table'

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
    -- What Redis 7.0's pcall does with no argument: it calls its own
    -- placeholder.
    return false, 'attempt to call a boolean value'
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

-- xpcall and coroutine.resume check their arguments in Rust (builtins.rs)
-- and then call these.
function helpers.xpcall_core(f, h)
  local function wrapped(e)
    return h(unwrap_ud(e))
  end
  return plain_result(raw_xpcall(f, wrapped))
end

function helpers.resume_core(co, ...)
  return plain_result(raw_resume(co, ...))
end

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

return globals
