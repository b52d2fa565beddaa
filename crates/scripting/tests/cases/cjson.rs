//! The cjson library.
//!
//! Each row is a script and the replies redis-server 7.0.15 gave to
//! `EVAL script 0` from a RESP2 client and from a RESP3 client (after
//! `FLUSHALL` and `SCRIPT FLUSH`), byte for byte.

/// (script, RESP2 reply, RESP3 reply), as redis-server 7.0.15 answered.
pub const CASES: &[(&[u8], &[u8], &[u8])] = &[
    (
        b"return cjson.encode({1,2,3})",
        b"$7\r\n[1,2,3]\r\n",
        b"$7\r\n[1,2,3]\r\n",
    ),
    (
        b"return cjson.encode({a=1})",
        b"$7\r\n{\"a\":1}\r\n",
        b"$7\r\n{\"a\":1}\r\n",
    ),
    (
        b"return cjson.encode({})",
        b"$2\r\n{}\r\n",
        b"$2\r\n{}\r\n",
    ),
    (
        b"return cjson.encode({1, 2, nil, 4})",
        b"$12\r\n[1,2,null,4]\r\n",
        b"$12\r\n[1,2,null,4]\r\n",
    ),
    (
        b"return cjson.encode({[1]=1, [3]=3})",
        b"$10\r\n[1,null,3]\r\n",
        b"$10\r\n[1,null,3]\r\n",
    ),
    (
        b"return cjson.encode({[1]=1, [20]=3})",
        b"-ERR user_script:1: Cannot serialise table: excessively sparse array script: a63e1d38d45ee6d3b93809b1d34d9062929f61bf, on @user_script:1.\r\n",
        b"-ERR user_script:1: Cannot serialise table: excessively sparse array script: a63e1d38d45ee6d3b93809b1d34d9062929f61bf, on @user_script:1.\r\n",
    ),
    (
        b"return cjson.encode({[1]=1, [12]=3})",
        b"-ERR user_script:1: Cannot serialise table: excessively sparse array script: 8d43254a3f694741f51cee828023fa2bf69e869a, on @user_script:1.\r\n",
        b"-ERR user_script:1: Cannot serialise table: excessively sparse array script: 8d43254a3f694741f51cee828023fa2bf69e869a, on @user_script:1.\r\n",
    ),
    (
        b"return cjson.encode({[1]=1, [11]=3})",
        b"-ERR user_script:1: Cannot serialise table: excessively sparse array script: 119bf4088bc3fd8a25668cadcb54e347dc735b5d, on @user_script:1.\r\n",
        b"-ERR user_script:1: Cannot serialise table: excessively sparse array script: 119bf4088bc3fd8a25668cadcb54e347dc735b5d, on @user_script:1.\r\n",
    ),
    (
        b"return cjson.encode({[1]=1, [10]=3})",
        b"$45\r\n[1,null,null,null,null,null,null,null,null,3]\r\n",
        b"$45\r\n[1,null,null,null,null,null,null,null,null,3]\r\n",
    ),
    (
        b"return cjson.encode({1, x=2})",
        b"$13\r\n{\"1\":1,\"x\":2}\r\n",
        b"$13\r\n{\"1\":1,\"x\":2}\r\n",
    ),
    (
        b"return cjson.encode('a/b\"c\\\\d\\n\\r\\t\\b\\f' .. string.char(1) .. string.char(127) .. string.char(200))",
        b"$35\r\n\"a\\/b\\\"c\\\\d\\n\\r\\t\\b\\f\\u0001\\u007f\xc8\"\r\n",
        b"$35\r\n\"a\\/b\\\"c\\\\d\\n\\r\\t\\b\\f\\u0001\\u007f\xc8\"\r\n",
    ),
    (
        b"return cjson.encode(0.1)",
        b"$3\r\n0.1\r\n",
        b"$3\r\n0.1\r\n",
    ),
    (
        b"return cjson.encode(1/3)",
        b"$16\r\n0.33333333333333\r\n",
        b"$16\r\n0.33333333333333\r\n",
    ),
    (
        b"return cjson.encode(1e100)",
        b"$6\r\n1e+100\r\n",
        b"$6\r\n1e+100\r\n",
    ),
    (
        b"return cjson.encode(-0)",
        b"$2\r\n-0\r\n",
        b"$2\r\n-0\r\n",
    ),
    (
        b"return cjson.encode(123456789012345)",
        b"$19\r\n1.2345678901234e+14\r\n",
        b"$19\r\n1.2345678901234e+14\r\n",
    ),
    (
        b"return cjson.encode(1/0)",
        b"-ERR user_script:1: Cannot serialise number: must not be NaN or Inf script: 08ffdaa5e7f117332da21c3b5222c2ede9492c60, on @user_script:1.\r\n",
        b"-ERR user_script:1: Cannot serialise number: must not be NaN or Inf script: 08ffdaa5e7f117332da21c3b5222c2ede9492c60, on @user_script:1.\r\n",
    ),
    (
        b"return cjson.encode(0/0)",
        b"-ERR user_script:1: Cannot serialise number: must not be NaN or Inf script: d3f8d4e745d6587b04e9dd216e0d4631f0a306d9, on @user_script:1.\r\n",
        b"-ERR user_script:1: Cannot serialise number: must not be NaN or Inf script: d3f8d4e745d6587b04e9dd216e0d4631f0a306d9, on @user_script:1.\r\n",
    ),
    (
        b"return cjson.encode(true)",
        b"$4\r\ntrue\r\n",
        b"$4\r\ntrue\r\n",
    ),
    (
        b"return cjson.encode(nil)",
        b"$4\r\nnull\r\n",
        b"$4\r\nnull\r\n",
    ),
    (
        b"return cjson.encode(cjson.null)",
        b"$4\r\nnull\r\n",
        b"$4\r\nnull\r\n",
    ),
    (
        b"return cjson.encode(function() end)",
        b"-ERR user_script:1: Cannot serialise function: type not supported script: c6600573aa08cdf0af5da6e0ef682db69a3acc00, on @user_script:1.\r\n",
        b"-ERR user_script:1: Cannot serialise function: type not supported script: c6600573aa08cdf0af5da6e0ef682db69a3acc00, on @user_script:1.\r\n",
    ),
    (
        b"return cjson.encode({f = function() end})",
        b"-ERR user_script:1: Cannot serialise function: type not supported script: 173922d476583b9b2188475b6a7667871ebd1c0b, on @user_script:1.\r\n",
        b"-ERR user_script:1: Cannot serialise function: type not supported script: 173922d476583b9b2188475b6a7667871ebd1c0b, on @user_script:1.\r\n",
    ),
    (
        b"return cjson.encode({[true] = 1})",
        b"-ERR user_script:1: Cannot serialise boolean: table key must be a number or string script: 9be9d56d744ab7aaccc1be53d581f76afb5ae4bd, on @user_script:1.\r\n",
        b"-ERR user_script:1: Cannot serialise boolean: table key must be a number or string script: 9be9d56d744ab7aaccc1be53d581f76afb5ae4bd, on @user_script:1.\r\n",
    ),
    (
        b"return cjson.encode({[1.5] = 1})",
        b"$9\r\n{\"1.5\":1}\r\n",
        b"$9\r\n{\"1.5\":1}\r\n",
    ),
    (
        b"return cjson.encode({[-1] = 1})",
        b"$8\r\n{\"-1\":1}\r\n",
        b"$8\r\n{\"-1\":1}\r\n",
    ),
    (
        b"return cjson.encode({[0] = 1})",
        b"$7\r\n{\"0\":1}\r\n",
        b"$7\r\n{\"0\":1}\r\n",
    ),
    (
        b"return cjson.encode({['1'] = 1, [2] = 2})",
        b"$13\r\n{\"1\":1,\"2\":2}\r\n",
        b"$13\r\n{\"1\":1,\"2\":2}\r\n",
    ),
    (
        b"return cjson.encode({[2] = 2, x = 1})",
        b"$13\r\n{\"2\":2,\"x\":1}\r\n",
        b"$13\r\n{\"2\":2,\"x\":1}\r\n",
    ),
    (
        b"local t = {} t[1] = t return cjson.encode(t)",
        b"-ERR user_script:1: Cannot serialise, excessive nesting (1001) script: 576653f0096d47f87063058b9abe9085cdcd4f41, on @user_script:1.\r\n",
        b"-ERR user_script:1: Cannot serialise, excessive nesting (1001) script: 576653f0096d47f87063058b9abe9085cdcd4f41, on @user_script:1.\r\n",
    ),
    (
        b"return cjson.encode()",
        b"-ERR user_script:1: bad argument #1 to 'encode' (expected 1 argument) script: fc593ea31f478c7ed65c77495cc63edeb9153530, on @user_script:1.\r\n",
        b"-ERR user_script:1: bad argument #1 to 'encode' (expected 1 argument) script: fc593ea31f478c7ed65c77495cc63edeb9153530, on @user_script:1.\r\n",
    ),
    (
        b"return cjson.encode(1, 2)",
        b"-ERR user_script:1: bad argument #1 to 'encode' (expected 1 argument) script: e3a38cd8c1bb7de419304607b05108c80af53cbc, on @user_script:1.\r\n",
        b"-ERR user_script:1: bad argument #1 to 'encode' (expected 1 argument) script: e3a38cd8c1bb7de419304607b05108c80af53cbc, on @user_script:1.\r\n",
    ),
    (
        b"return cjson.decode('[1,2,3]')",
        b"*3\r\n:1\r\n:2\r\n:3\r\n",
        b"*3\r\n:1\r\n:2\r\n:3\r\n",
    ),
    (
        b"return cjson.decode('{\"a\":1}').a",
        b":1\r\n",
        b":1\r\n",
    ),
    (
        b"return cjson.decode('\"x\\\\u00e9\\\\n\\\\/\"')",
        b"$5\r\nx\xc3\xa9\n/\r\n",
        b"$5\r\nx\xc3\xa9\n/\r\n",
    ),
    (
        b"return cjson.decode('null') == cjson.null",
        b":1\r\n",
        b":1\r\n",
    ),
    (
        b"return type(cjson.decode('null'))",
        b"$8\r\nuserdata\r\n",
        b"$8\r\nuserdata\r\n",
    ),
    (
        b"return cjson.decode('[1, null, 3]')",
        b"*3\r\n:1\r\n$-1\r\n:3\r\n",
        b"*3\r\n:1\r\n_\r\n:3\r\n",
    ),
    (
        b"return cjson.decode('x')",
        b"-ERR user_script:1: Expected value but found invalid token at character 1 script: 5f58dd5cefb3eb0313af3534f36be4b83e79ae80, on @user_script:1.\r\n",
        b"-ERR user_script:1: Expected value but found invalid token at character 1 script: 5f58dd5cefb3eb0313af3534f36be4b83e79ae80, on @user_script:1.\r\n",
    ),
    (
        b"return cjson.decode('')",
        b"-ERR user_script:1: Expected value but found T_END at character 1 script: 7ff8cf86abed928f4d61a01dcc9713f0117b180a, on @user_script:1.\r\n",
        b"-ERR user_script:1: Expected value but found T_END at character 1 script: 7ff8cf86abed928f4d61a01dcc9713f0117b180a, on @user_script:1.\r\n",
    ),
    (
        b"return cjson.decode('[1,2')",
        b"-ERR user_script:1: Expected comma or array end but found T_END at character 5 script: c107001b5ba2ff860ee2557f64da37c4767ef4bd, on @user_script:1.\r\n",
        b"-ERR user_script:1: Expected comma or array end but found T_END at character 5 script: c107001b5ba2ff860ee2557f64da37c4767ef4bd, on @user_script:1.\r\n",
    ),
    (
        b"return cjson.decode('{\"a\" 1}')",
        b"-ERR user_script:1: Expected colon but found T_NUMBER at character 6 script: 3486ee24bfdfc100c738c73355e99954ef01d92f, on @user_script:1.\r\n",
        b"-ERR user_script:1: Expected colon but found T_NUMBER at character 6 script: 3486ee24bfdfc100c738c73355e99954ef01d92f, on @user_script:1.\r\n",
    ),
    (
        b"return cjson.decode('{1:2}')",
        b"-ERR user_script:1: Expected object key string but found T_NUMBER at character 2 script: b7dfc51e0d5bf164c246fe708a2e33743e899be6, on @user_script:1.\r\n",
        b"-ERR user_script:1: Expected object key string but found T_NUMBER at character 2 script: b7dfc51e0d5bf164c246fe708a2e33743e899be6, on @user_script:1.\r\n",
    ),
    (
        b"return cjson.decode('[1,]')",
        b"-ERR user_script:1: Expected value but found T_ARR_END at character 4 script: d31ab1dd313d99d4ad3dac6e48cdff283bea270c, on @user_script:1.\r\n",
        b"-ERR user_script:1: Expected value but found T_ARR_END at character 4 script: d31ab1dd313d99d4ad3dac6e48cdff283bea270c, on @user_script:1.\r\n",
    ),
    (
        b"return cjson.decode('1 2')",
        b"-ERR user_script:1: Expected the end but found T_NUMBER at character 3 script: 1408d9a9f8459030a4a353692b905ad7a0ddb424, on @user_script:1.\r\n",
        b"-ERR user_script:1: Expected the end but found T_NUMBER at character 3 script: 1408d9a9f8459030a4a353692b905ad7a0ddb424, on @user_script:1.\r\n",
    ),
    (
        b"return cjson.decode('\"abc')",
        b"-ERR user_script:1: Expected value but found unexpected end of string at character 5 script: 30d67c6fb8e066eef4796bfcc59cee500c381744, on @user_script:1.\r\n",
        b"-ERR user_script:1: Expected value but found unexpected end of string at character 5 script: 30d67c6fb8e066eef4796bfcc59cee500c381744, on @user_script:1.\r\n",
    ),
    (
        b"return cjson.decode('\"\\\\x\"')",
        b"-ERR user_script:1: Expected value but found invalid escape code at character 2 script: e15fa517a0e30bc5ba472a9403d98fe6c88ca8e5, on @user_script:1.\r\n",
        b"-ERR user_script:1: Expected value but found invalid escape code at character 2 script: e15fa517a0e30bc5ba472a9403d98fe6c88ca8e5, on @user_script:1.\r\n",
    ),
    (
        b"return cjson.decode('\"\\\\u12\"')",
        b"-ERR user_script:1: Expected value but found invalid unicode escape code at character 2 script: abf3d7a6907669d8b3a294456e4dca885645512f, on @user_script:1.\r\n",
        b"-ERR user_script:1: Expected value but found invalid unicode escape code at character 2 script: abf3d7a6907669d8b3a294456e4dca885645512f, on @user_script:1.\r\n",
    ),
    (
        b"return cjson.decode('\"\\\\ud800\"')",
        b"-ERR user_script:1: Expected value but found invalid unicode escape code at character 2 script: 614364f6c9d9a8370605ddedbdbe5d726346f810, on @user_script:1.\r\n",
        b"-ERR user_script:1: Expected value but found invalid unicode escape code at character 2 script: 614364f6c9d9a8370605ddedbdbe5d726346f810, on @user_script:1.\r\n",
    ),
    (
        b"return cjson.decode('\"\\\\ud83d\\\\ude00\"')",
        b"$4\r\n\xf0\x9f\x98\x80\r\n",
        b"$4\r\n\xf0\x9f\x98\x80\r\n",
    ),
    (
        b"return cjson.decode('1e400')",
        b":-9223372036854775808\r\n",
        b":-9223372036854775808\r\n",
    ),
    (
        b"return cjson.decode('-0')",
        b":0\r\n",
        b":0\r\n",
    ),
    (
        b"return tostring(cjson.decode('0.1'))",
        b"$3\r\n0.1\r\n",
        b"$3\r\n0.1\r\n",
    ),
    (
        b"return cjson.decode('0x10')",
        b":16\r\n",
        b":16\r\n",
    ),
    (
        b"return cjson.decode('01')",
        b":1\r\n",
        b":1\r\n",
    ),
    (
        b"return cjson.decode('1.')",
        b":1\r\n",
        b":1\r\n",
    ),
    (
        b"return cjson.decode('.5')",
        b"-ERR user_script:1: Expected value but found invalid token at character 1 script: 121c0b0f2d2ad62de9456ed953ed7b854d2ec58d, on @user_script:1.\r\n",
        b"-ERR user_script:1: Expected value but found invalid token at character 1 script: 121c0b0f2d2ad62de9456ed953ed7b854d2ec58d, on @user_script:1.\r\n",
    ),
    (
        b"return cjson.decode('nan')",
        b":-9223372036854775808\r\n",
        b":-9223372036854775808\r\n",
    ),
    (
        b"return cjson.decode('Infinity')",
        b":-9223372036854775808\r\n",
        b":-9223372036854775808\r\n",
    ),
    (
        b"return cjson.decode('true')",
        b":1\r\n",
        b":1\r\n",
    ),
    (
        b"return cjson.decode('false')",
        b"$-1\r\n",
        b"_\r\n",
    ),
    (
        b"return cjson.decode('tru')",
        b"-ERR user_script:1: Expected value but found invalid token at character 1 script: b0ae6f0426d6ff93bdff3364f547baa19aa4171b, on @user_script:1.\r\n",
        b"-ERR user_script:1: Expected value but found invalid token at character 1 script: b0ae6f0426d6ff93bdff3364f547baa19aa4171b, on @user_script:1.\r\n",
    ),
    (
        b"return cjson.decode(' [ 1 , 2 ] ')",
        b"*2\r\n:1\r\n:2\r\n",
        b"*2\r\n:1\r\n:2\r\n",
    ),
    (
        b"return cjson.decode('[' .. string.rep('[', 1100) .. string.rep(']', 1100) .. ']')",
        b"-ERR user_script:1: Found too many nested data structures (1001) at character 1001 script: 63443d0712597e6f2564f4427c1bdd9f9d2eba73, on @user_script:1.\r\n",
        b"-ERR user_script:1: Found too many nested data structures (1001) at character 1001 script: 63443d0712597e6f2564f4427c1bdd9f9d2eba73, on @user_script:1.\r\n",
    ),
    (
        b"return cjson.decode(string.rep('[', 999) .. string.rep(']', 999)) and 1",
        b":1\r\n",
        b":1\r\n",
    ),
    (
        b"return cjson.decode(string.rep('[', 1000) .. string.rep(']', 1000)) and 1",
        b":1\r\n",
        b":1\r\n",
    ),
    (
        b"return cjson.decode(string.rep('[', 1001) .. string.rep(']', 1001)) and 1",
        b"-ERR user_script:1: Found too many nested data structures (1001) at character 1001 script: abade134301ec5307ffea3177507fdf9b5e83bdc, on @user_script:1.\r\n",
        b"-ERR user_script:1: Found too many nested data structures (1001) at character 1001 script: abade134301ec5307ffea3177507fdf9b5e83bdc, on @user_script:1.\r\n",
    ),
    (
        b"local t = {} local c = t for i = 1, 1000 do c[1] = {} c = c[1] end return cjson.encode(t)",
        b"-ERR user_script:1: Cannot serialise, excessive nesting (1001) script: 3e058141c7812f5acf06d8733fd6b9e690c0dbe9, on @user_script:1.\r\n",
        b"-ERR user_script:1: Cannot serialise, excessive nesting (1001) script: 3e058141c7812f5acf06d8733fd6b9e690c0dbe9, on @user_script:1.\r\n",
    ),
    (
        b"local t = {} local c = t for i = 1, 999 do c[1] = {} c = c[1] end return #cjson.encode(t)",
        b":2000\r\n",
        b":2000\r\n",
    ),
    (
        b"return cjson.decode()",
        b"-ERR user_script:1: bad argument #1 to 'decode' (expected 1 argument) script: 5378278d59343caf5c3375a655dfea5e69ab8a74, on @user_script:1.\r\n",
        b"-ERR user_script:1: bad argument #1 to 'decode' (expected 1 argument) script: 5378278d59343caf5c3375a655dfea5e69ab8a74, on @user_script:1.\r\n",
    ),
    (
        b"return cjson.decode(12)",
        b":12\r\n",
        b":12\r\n",
    ),
    (
        b"return cjson.decode({})",
        b"-ERR user_script:1: bad argument #1 to 'decode' (string expected, got table) script: 10c706d54b3ae7d2bcc169d647405abd961145fa, on @user_script:1.\r\n",
        b"-ERR user_script:1: bad argument #1 to 'decode' (string expected, got table) script: 10c706d54b3ae7d2bcc169d647405abd961145fa, on @user_script:1.\r\n",
    ),
    (
        b"return cjson.decode('\"\\t\"')",
        b"$1\r\n\t\r\n",
        b"$1\r\n\t\r\n",
    ),
    (
        b"return cjson.decode('{\"a\":1,\"a\":2}').a",
        b":2\r\n",
        b":2\r\n",
    ),
    (
        b"return cjson.encode(cjson.decode('{\"b\":[1,{\"c\":null}],\"a\":\"x\"}'))",
        b"$28\r\n{\"a\":\"x\",\"b\":[1,{\"c\":null}]}\r\n",
        b"$28\r\n{\"a\":\"x\",\"b\":[1,{\"c\":null}]}\r\n",
    ),
    (
        b"return cjson.encode({a={}, b={1}})",
        b"$16\r\n{\"a\":{},\"b\":[1]}\r\n",
        b"$16\r\n{\"a\":{},\"b\":[1]}\r\n",
    ),
    (
        b"return cjson.encode_sparse_array(true, 2, 3)",
        b":1\r\n",
        b":1\r\n",
    ),
    (
        b"return {cjson.encode_max_depth()}",
        b"*1\r\n:1000\r\n",
        b"*1\r\n:1000\r\n",
    ),
    (
        b"return {cjson.encode_number_precision()}",
        b"*1\r\n:14\r\n",
        b"*1\r\n:14\r\n",
    ),
    (
        b"return cjson.encode_number_precision(3)",
        b":3\r\n",
        b":3\r\n",
    ),
    (
        b"return {cjson.encode_keep_buffer()}",
        b"*1\r\n:1\r\n",
        b"*1\r\n:1\r\n",
    ),
    (
        b"return {cjson.encode_invalid_numbers()}",
        b"*1\r\n$-1\r\n",
        b"*1\r\n_\r\n",
    ),
    (
        b"return {cjson.decode_invalid_numbers()}",
        b"*1\r\n:1\r\n",
        b"*1\r\n:1\r\n",
    ),
    (
        b"return {cjson.decode_max_depth()}",
        b"*1\r\n:1000\r\n",
        b"*1\r\n:1000\r\n",
    ),
    (
        b"return {cjson.encode_sparse_array()}",
        b"*3\r\n$-1\r\n:2\r\n:10\r\n",
        b"*3\r\n_\r\n:2\r\n:10\r\n",
    ),
    (
        b"return cjson.decode('[1e2, -3.5E-1, 1E+2]')",
        b"*3\r\n:100\r\n:0\r\n:100\r\n",
        b"*3\r\n:100\r\n:0\r\n:100\r\n",
    ),
    (
        b"return cjson.encode({1e2, 3.25, -7})",
        b"$13\r\n[100,3.25,-7]\r\n",
        b"$13\r\n[100,3.25,-7]\r\n",
    ),
    (
        b"return cjson.encode(2^53)",
        b"$18\r\n9.007199254741e+15\r\n",
        b"$18\r\n9.007199254741e+15\r\n",
    ),
    (
        b"return cjson.encode(1e15)",
        b"$5\r\n1e+15\r\n",
        b"$5\r\n1e+15\r\n",
    ),
    (
        b"return cjson.encode(12345678901234567)",
        b"$19\r\n1.2345678901235e+16\r\n",
        b"$19\r\n1.2345678901235e+16\r\n",
    ),
    (
        b"return cjson.decode('\"\\\\u0000\"') == string.char(0)",
        b":1\r\n",
        b":1\r\n",
    ),
    (
        b"return cjson.encode(string.char(0))",
        b"$8\r\n\"\\u0000\"\r\n",
        b"$8\r\n\"\\u0000\"\r\n",
    ),
    (
        b"return cjson.encode({string.char(31)})",
        b"$10\r\n[\"\\u001f\"]\r\n",
        b"$10\r\n[\"\\u001f\"]\r\n",
    ),
    (
        b"return cjson.decode('{\"a\":[]}').a[1] == nil",
        b":1\r\n",
        b":1\r\n",
    ),
];
