//! The cmsgpack library.
//!
//! Each row is a script and the replies redis-server 7.0.15 gave to
//! `EVAL script 0` from a RESP2 client and from a RESP3 client (after
//! `FLUSHALL` and `SCRIPT FLUSH`), byte for byte.

/// (script, RESP2 reply, RESP3 reply), as redis-server 7.0.15 answered.
pub const CASES: &[(&[u8], &[u8], &[u8])] = &[
    (
        b"local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cmsgpack.pack(nil, true, false, 0, 1, 127, 128, 255, 256, 65535, 65536, 4294967295, 4294967296, -1, -32, -33, -128, -129, -32768, -32769, -2147483648, -2147483649))",
        b"$132\r\nc0c3c200017fcc80ccffcd0100cdffffce00010000ceffffffffcf0000000100000000ffe0d0dfd080d1ff7fd18000d2ffff7fffd280000000d3ffffffff7fffffff\r\n",
        b"$132\r\nc0c3c200017fcc80ccffcd0100cdffffce00010000ceffffffffcf0000000100000000ffe0d0dfd080d1ff7fd18000d2ffff7fffd280000000d3ffffffff7fffffff\r\n",
    ),
    (
        b"local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cmsgpack.pack(1.5, 0.1, 1/0, -1/0, 2^63, -2^63, 2^64, 1e300, -0.0))",
        b"$106\r\nca3fc00000cb3fb999999999999aca7f800000caff800000ca5f000000d38000000000000000ca5f800000cb7e37e43c8800759c00\r\n",
        b"$106\r\nca3fc00000cb3fb999999999999aca7f800000caff800000ca5f000000d38000000000000000ca5f800000cb7e37e43c8800759c00\r\n",
    ),
    (
        b"local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cmsgpack.pack('', 'abc', string.rep('x', 31), string.rep('x', 32)):sub(1, 20))",
        b"$40\r\na0a3616263bf7878787878787878787878787878\r\n",
        b"$40\r\na0a3616263bf7878787878787878787878787878\r\n",
    ),
    (
        b"local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return {hex(cmsgpack.pack(string.rep('x', 255)):sub(1, 6)), hex(cmsgpack.pack(string.rep('x', 256)):sub(1, 8)), hex(cmsgpack.pack(string.rep('x', 65535)):sub(1, 8)), hex(cmsgpack.pack(string.rep('x', 65536)):sub(1, 12))}",
        b"*4\r\n$12\r\nd9ff78787878\r\n$16\r\nda01007878787878\r\n$16\r\ndaffff7878787878\r\n$24\r\ndb0001000078787878787878\r\n",
        b"*4\r\n$12\r\nd9ff78787878\r\n$16\r\nda01007878787878\r\n$16\r\ndaffff7878787878\r\n$24\r\ndb0001000078787878787878\r\n",
    ),
    (
        b"local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return {hex(cmsgpack.pack({})), hex(cmsgpack.pack({1,2,3})), hex(cmsgpack.pack({a=1})), hex(cmsgpack.pack({1, nil, 3})), hex(cmsgpack.pack({[2]=1})), hex(cmsgpack.pack({['1']='a'})), hex(cmsgpack.pack({[1.5]='a'})), hex(cmsgpack.pack({[1]='a', [2]='b', x='c'}))}",
        b"*8\r\n$2\r\n90\r\n$8\r\n93010203\r\n$8\r\n81a16101\r\n$10\r\n8201010303\r\n$6\r\n810201\r\n$10\r\n81a131a161\r\n$16\r\n81ca3fc00000a161\r\n$22\r\n8301a16102a162a178a163\r\n",
        b"*8\r\n$2\r\n90\r\n$8\r\n93010203\r\n$8\r\n81a16101\r\n$10\r\n8201010303\r\n$6\r\n810201\r\n$10\r\n81a131a161\r\n$16\r\n81ca3fc00000a161\r\n$22\r\n8301a16102a162a178a163\r\n",
    ),
    (
        b"local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end local t = {} for i=1,16 do t[i] = i end local u = {} for i = 1, 70000 do u[i] = 1 end return {hex(cmsgpack.pack(t)):sub(1,10), hex(cmsgpack.pack(u)):sub(1,12)}",
        b"*2\r\n$10\r\ndc00100102\r\n$12\r\ndd0001117001\r\n",
        b"*2\r\n$10\r\ndc00100102\r\n$12\r\ndd0001117001\r\n",
    ),
    (
        b"local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end local t = {} t[1] = t return hex(cmsgpack.pack(t))",
        b"$34\r\n91919191919191919191919191919191c0\r\n",
        b"$34\r\n91919191919191919191919191919191c0\r\n",
    ),
    (
        b"local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cmsgpack.pack(function() end, cjson.null))",
        b"$4\r\nc0c0\r\n",
        b"$4\r\nc0c0\r\n",
    ),
    (
        b"return cmsgpack.pack()",
        b"-ERR user_script:1: bad argument #0 to 'pack' (MessagePack pack needs input.) script: 6bc235afa55de88253e203cc5fe5844792e25209, on @user_script:1.\r\n",
        b"-ERR user_script:1: bad argument #0 to 'pack' (MessagePack pack needs input.) script: 6bc235afa55de88253e203cc5fe5844792e25209, on @user_script:1.\r\n",
    ),
    (
        b"return {cmsgpack.unpack(cmsgpack.pack(1, 'a', {1, 2}, {x = 'y'}, true))}",
        b"*5\r\n:1\r\n$1\r\na\r\n*2\r\n:1\r\n:2\r\n*0\r\n:1\r\n",
        b"*5\r\n:1\r\n$1\r\na\r\n*2\r\n:1\r\n:2\r\n*0\r\n:1\r\n",
    ),
    (
        b"return cmsgpack.unpack(cmsgpack.pack({x = 'y'})).x",
        b"$1\r\ny\r\n",
        b"$1\r\ny\r\n",
    ),
    (
        b"return cmsgpack.unpack('')",
        b"$-1\r\n",
        b"_\r\n",
    ),
    (
        b"return {cmsgpack.unpack('\\193')}",
        b"-ERR user_script:1: Bad data format in input. script: 4370c4369e4c339c56b8ad64adc652c10d7953b5, on @user_script:1.\r\n",
        b"-ERR user_script:1: Bad data format in input. script: 4370c4369e4c339c56b8ad64adc652c10d7953b5, on @user_script:1.\r\n",
    ),
    (
        b"return {cmsgpack.unpack('\\205\\1')}",
        b"-ERR user_script:1: Missing bytes in input. script: 4da9fbd31d226f226d552ab0f5198a12ec27f96b, on @user_script:1.\r\n",
        b"-ERR user_script:1: Missing bytes in input. script: 4da9fbd31d226f226d552ab0f5198a12ec27f96b, on @user_script:1.\r\n",
    ),
    (
        b"return {cmsgpack.unpack('\\196\\1a')}",
        b"-ERR user_script:1: Bad data format in input. script: 91d63a26ef3fef676ccafbf87a95e18c4408141e, on @user_script:1.\r\n",
        b"-ERR user_script:1: Bad data format in input. script: 91d63a26ef3fef676ccafbf87a95e18c4408141e, on @user_script:1.\r\n",
    ),
    (
        b"return {cmsgpack.unpack('\\212\\1\\1')}",
        b"-ERR user_script:1: Bad data format in input. script: 77c6f78213413d51f9be2ce90b132058e8a3e475, on @user_script:1.\r\n",
        b"-ERR user_script:1: Bad data format in input. script: 77c6f78213413d51f9be2ce90b132058e8a3e475, on @user_script:1.\r\n",
    ),
    (
        b"return {cmsgpack.unpack('\\207\\255\\255\\255\\255\\255\\255\\255\\255')}",
        b"*1\r\n:-1\r\n",
        b"*1\r\n:-1\r\n",
    ),
    (
        b"return {cmsgpack.unpack('\\211\\128\\0\\0\\0\\0\\0\\0\\0')}",
        b"*1\r\n:-9223372036854775808\r\n",
        b"*1\r\n:-9223372036854775808\r\n",
    ),
    (
        b"return tostring(cmsgpack.unpack('\\202\\63\\192\\0\\0'))",
        b"$3\r\n1.5\r\n",
        b"$3\r\n1.5\r\n",
    ),
    (
        b"return tostring(cmsgpack.unpack('\\203\\63\\185\\153\\153\\153\\153\\153\\154'))",
        b"$3\r\n0.1\r\n",
        b"$3\r\n0.1\r\n",
    ),
    (
        b"return {cmsgpack.unpack('\\129\\192\\1')}",
        b"-ERR table index is nil script: b57640c96e3674704b8e4c9127630b3cf5524843, on @user_script:1.\r\n",
        b"-ERR table index is nil script: b57640c96e3674704b8e4c9127630b3cf5524843, on @user_script:1.\r\n",
    ),
    (
        b"return {cmsgpack.unpack('\\146\\192\\1')}",
        b"*1\r\n*0\r\n",
        b"*1\r\n*0\r\n",
    ),
    (
        b"return {cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3))}",
        b"*2\r\n:1\r\n:1\r\n",
        b"*2\r\n:1\r\n:1\r\n",
    ),
    (
        b"return {cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3), 2)}",
        b"*2\r\n:-1\r\n:3\r\n",
        b"*2\r\n:-1\r\n:3\r\n",
    ),
    (
        b"return {cmsgpack.unpack_one(cmsgpack.pack(1))}",
        b"*2\r\n:-1\r\n:1\r\n",
        b"*2\r\n:-1\r\n:1\r\n",
    ),
    (
        b"return {cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 2)}",
        b"*3\r\n:2\r\n:1\r\n:2\r\n",
        b"*3\r\n:2\r\n:1\r\n:2\r\n",
    ),
    (
        b"return {cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 2, 1)}",
        b"*3\r\n:-1\r\n:2\r\n:3\r\n",
        b"*3\r\n:-1\r\n:2\r\n:3\r\n",
    ),
    (
        b"return {cmsgpack.unpack_one(cmsgpack.pack(1), 5)}",
        b"-ERR user_script:1: Start offset 5 greater than input length 1. script: bd58fa4d606a913c634460c0b7c96e0e5cd1b976, on @user_script:1.\r\n",
        b"-ERR user_script:1: Start offset 5 greater than input length 1. script: bd58fa4d606a913c634460c0b7c96e0e5cd1b976, on @user_script:1.\r\n",
    ),
    (
        b"return {cmsgpack.unpack_one(cmsgpack.pack(1), -1)}",
        b"-ERR user_script:1: Invalid request to unpack with offset of -1 and limit of 1. script: da2ca315983cf6ee3306a12a4b4c5a694ec473c1, on @user_script:1.\r\n",
        b"-ERR user_script:1: Invalid request to unpack with offset of -1 and limit of 1. script: da2ca315983cf6ee3306a12a4b4c5a694ec473c1, on @user_script:1.\r\n",
    ),
    (
        b"return {cmsgpack.unpack()}",
        b"-ERR user_script:1: bad argument #1 to 'unpack' (string expected, got no value) script: 293064d82f29cbcbd9e806b28d1d580edad8d5a8, on @user_script:1.\r\n",
        b"-ERR user_script:1: bad argument #1 to 'unpack' (string expected, got no value) script: 293064d82f29cbcbd9e806b28d1d580edad8d5a8, on @user_script:1.\r\n",
    ),
    (
        b"return {cmsgpack.unpack({})}",
        b"-ERR user_script:1: bad argument #1 to 'unpack' (string expected, got table) script: a9c33dfccf30a08a7d54486285626120782eb84b, on @user_script:1.\r\n",
        b"-ERR user_script:1: bad argument #1 to 'unpack' (string expected, got table) script: a9c33dfccf30a08a7d54486285626120782eb84b, on @user_script:1.\r\n",
    ),
    (
        b"return {cmsgpack.unpack(12)}",
        b"*2\r\n:49\r\n:50\r\n",
        b"*2\r\n:49\r\n:50\r\n",
    ),
    (
        b"return {cmsgpack.unpack_limit('\\1')}",
        b"-ERR user_script:1: bad argument #2 to 'unpack_limit' (number expected, got no value) script: 130b15ddbb243a0eacf5bbf4914a6b86f8caf105, on @user_script:1.\r\n",
        b"-ERR user_script:1: bad argument #2 to 'unpack_limit' (number expected, got no value) script: 130b15ddbb243a0eacf5bbf4914a6b86f8caf105, on @user_script:1.\r\n",
    ),
    (
        b"return #{cmsgpack.unpack(string.rep('\\145', 200) .. '\\1')}",
        b":1\r\n",
        b":1\r\n",
    ),
    (
        b"local t = cmsgpack.unpack(cmsgpack.pack({[3]='c', [1]='a', [2]='b'})) return t",
        b"*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n",
        b"*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n",
    ),
    (
        b"return {cmsgpack.unpack('\\220\\0\\2\\1\\2')}",
        b"*1\r\n*2\r\n:1\r\n:2\r\n",
        b"*1\r\n*2\r\n:1\r\n:2\r\n",
    ),
    (
        b"return {cmsgpack.unpack('\\222\\0\\1\\1\\2')}",
        b"*1\r\n*1\r\n:2\r\n",
        b"*1\r\n*1\r\n:2\r\n",
    ),
    (
        b"return {cmsgpack.unpack('\\128')}",
        b"*1\r\n*0\r\n",
        b"*1\r\n*0\r\n",
    ),
    (
        b"return {cmsgpack.unpack('\\144\\1')}",
        b"*2\r\n*0\r\n:1\r\n",
        b"*2\r\n*0\r\n:1\r\n",
    ),
    (
        b"return {cmsgpack.unpack('\\217\\3abc')}",
        b"*1\r\n$3\r\nabc\r\n",
        b"*1\r\n$3\r\nabc\r\n",
    ),
    (
        b"return {cmsgpack.unpack('\\218\\0\\3abc\\219\\0\\0\\0\\1d')}",
        b"*2\r\n$3\r\nabc\r\n$1\r\nd\r\n",
        b"*2\r\n$3\r\nabc\r\n$1\r\nd\r\n",
    ),
    (
        b"local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cmsgpack.pack({{{{{{{{{{{{{{{{{{{1}}}}}}}}}}}}}}}}}}}))",
        b"$34\r\n91919191919191919191919191919191c0\r\n",
        b"$34\r\n91919191919191919191919191919191c0\r\n",
    ),
    (
        b"local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cmsgpack.pack({[1]=1,[2]=2,[4]=4}))",
        b"$14\r\n83010102020404\r\n",
        b"$14\r\n83010102020404\r\n",
    ),
    (
        b"local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cmsgpack.pack({[-1]=1}))",
        b"$6\r\n81ff01\r\n",
        b"$6\r\n81ff01\r\n",
    ),
    (
        b"local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cmsgpack.pack({[2^40]=1}))",
        b"$22\r\n81cf000001000000000001\r\n",
        b"$22\r\n81cf000001000000000001\r\n",
    ),
    (
        b"local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cmsgpack.pack({[true]=1}))",
        b"$6\r\n81c301\r\n",
        b"$6\r\n81c301\r\n",
    ),
];
