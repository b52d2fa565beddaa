//! The struct library.
//!
//! Each row is a script and the replies redis-server 7.0.15 gave to
//! `EVAL script 0` from a RESP2 client and from a RESP3 client (after
//! `FLUSHALL` and `SCRIPT FLUSH`), byte for byte.

/// (script, RESP2 reply, RESP3 reply), as redis-server 7.0.15 answered.
pub const CASES: &[(&[u8], &[u8], &[u8])] = &[
    (
        b"local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(struct.pack('>bBhHlLTiI', -1, 255, -2, 65535, -3, 4, 5, -6, 7))",
        b"$76\r\nfffffffefffffffffffffffffffd00000000000000040000000000000005fffffffa00000007\r\n",
        b"$76\r\nfffffffefffffffffffffffffffd00000000000000040000000000000005fffffffa00000007\r\n",
    ),
    (
        b"local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(struct.pack('<i2I3fdc3sx', -2, 65536, 1.5, 0.1, 'abcdef', 'hi'))",
        b"$48\r\nfeff0000010000c03f9a9999999999b93f61626368690000\r\n",
        b"$48\r\nfeff0000010000c03f9a9999999999b93f61626368690000\r\n",
    ),
    (
        b"local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(struct.pack('!4 b i', 1, 2))",
        b"$16\r\n0100000002000000\r\n",
        b"$16\r\n0100000002000000\r\n",
    ),
    (
        b"return {struct.unpack('>bBhH', struct.pack('>bBhH', -1, 255, -2, 65535))}",
        b"*5\r\n:-1\r\n:255\r\n:-2\r\n:65535\r\n:7\r\n",
        b"*5\r\n:-1\r\n:255\r\n:-2\r\n:65535\r\n:7\r\n",
    ),
    (
        b"return {struct.unpack('<i2I3fd', struct.pack('<i2I3fd', -2, 65536, 1.5, 0.1))}",
        b"*5\r\n:-2\r\n:65536\r\n:1\r\n:0\r\n:18\r\n",
        b"*5\r\n:-2\r\n:65536\r\n:1\r\n:0\r\n:18\r\n",
    ),
    (
        b"return {struct.unpack('c3s', 'abcde\\0f')}",
        b"*3\r\n$3\r\nabc\r\n$2\r\nde\r\n:7\r\n",
        b"*3\r\n$3\r\nabc\r\n$2\r\nde\r\n:7\r\n",
    ),
    (
        b"return {struct.unpack('bc0', struct.pack('bc0', 3, 'xyz'))}",
        b"*2\r\n$3\r\nxyz\r\n:5\r\n",
        b"*2\r\n$3\r\nxyz\r\n:5\r\n",
    ),
    (
        b"return {struct.unpack('i', 'ab')}",
        b"-ERR user_script:1: bad argument #2 to 'unpack' (data string too short) script: 4ea259654b1cfa6b1fc999f3ae72bb6f48d476f4, on @user_script:1.\r\n",
        b"-ERR user_script:1: bad argument #2 to 'unpack' (data string too short) script: 4ea259654b1cfa6b1fc999f3ae72bb6f48d476f4, on @user_script:1.\r\n",
    ),
    (
        b"return {struct.unpack('b', 'ab', 2)}",
        b"*2\r\n:98\r\n:3\r\n",
        b"*2\r\n:98\r\n:3\r\n",
    ),
    (
        b"return {struct.unpack('b', 'ab', 0)}",
        b"-ERR user_script:1: bad argument #3 to 'unpack' (offset must be 1 or greater) script: 6dcaab42851b868a4a9b72eaf255279244909eda, on @user_script:1.\r\n",
        b"-ERR user_script:1: bad argument #3 to 'unpack' (offset must be 1 or greater) script: 6dcaab42851b868a4a9b72eaf255279244909eda, on @user_script:1.\r\n",
    ),
    (
        b"return {struct.unpack('s', 'ab')}",
        b"-ERR user_script:1: unfinished string in data script: 663a8a7d5280e34ca9b4ae460750f699731c3d1d, on @user_script:1.\r\n",
        b"-ERR user_script:1: unfinished string in data script: 663a8a7d5280e34ca9b4ae460750f699731c3d1d, on @user_script:1.\r\n",
    ),
    (
        b"return {struct.size('bhilfd'), struct.size('!8 b d'), struct.size('c5')}",
        b"*3\r\n:27\r\n:16\r\n:5\r\n",
        b"*3\r\n:27\r\n:16\r\n:5\r\n",
    ),
    (
        b"return struct.size('s')",
        b"-ERR user_script:1: bad argument #1 to 'size' (option 's' has no fixed size) script: a2a0525826ab7939ccd3f54427a862205642f28f, on @user_script:1.\r\n",
        b"-ERR user_script:1: bad argument #1 to 'size' (option 's' has no fixed size) script: a2a0525826ab7939ccd3f54427a862205642f28f, on @user_script:1.\r\n",
    ),
    (
        b"return struct.pack('z', 1)",
        b"-ERR user_script:1: bad argument #1 to 'pack' (invalid format option 'z') script: b1a49a62278d772f47cfca6a679bc33c0fa64430, on @user_script:1.\r\n",
        b"-ERR user_script:1: bad argument #1 to 'pack' (invalid format option 'z') script: b1a49a62278d772f47cfca6a679bc33c0fa64430, on @user_script:1.\r\n",
    ),
    (
        b"return struct.pack('i40', 1)",
        b"-ERR user_script:1: integral size 40 is larger than limit of 32 script: 652cabace7a9fdbd8e0c2489b1b804d19185ddc8, on @user_script:1.\r\n",
        b"-ERR user_script:1: integral size 40 is larger than limit of 32 script: 652cabace7a9fdbd8e0c2489b1b804d19185ddc8, on @user_script:1.\r\n",
    ),
    (
        b"return struct.pack('!3', 1)",
        b"-ERR user_script:1: alignment 3 is not a power of 2 script: 015083070625e0c8535172e55b13a94acdf4c3c6, on @user_script:1.\r\n",
        b"-ERR user_script:1: alignment 3 is not a power of 2 script: 015083070625e0c8535172e55b13a94acdf4c3c6, on @user_script:1.\r\n",
    ),
    (
        b"return struct.pack('c5', 'ab')",
        b"-ERR user_script:1: bad argument #3 to 'pack' (string too short) script: cec53901ab5000b5eccda51f64e59e716bdfd4ba, on @user_script:1.\r\n",
        b"-ERR user_script:1: bad argument #3 to 'pack' (string too short) script: cec53901ab5000b5eccda51f64e59e716bdfd4ba, on @user_script:1.\r\n",
    ),
    (
        b"return struct.pack('i')",
        b"-ERR user_script:1: bad argument #2 to 'pack' (number expected, got nil) script: 63b299178a495d059d925846f3a5f58587cb30c9, on @user_script:1.\r\n",
        b"-ERR user_script:1: bad argument #2 to 'pack' (number expected, got nil) script: 63b299178a495d059d925846f3a5f58587cb30c9, on @user_script:1.\r\n",
    ),
    (
        b"return struct.pack()",
        b"-ERR user_script:1: bad argument #1 to 'pack' (string expected, got no value) script: c9b8aed4f0633591e6252db264bf8b86b82828d5, on @user_script:1.\r\n",
        b"-ERR user_script:1: bad argument #1 to 'pack' (string expected, got no value) script: c9b8aed4f0633591e6252db264bf8b86b82828d5, on @user_script:1.\r\n",
    ),
    (
        b"return {struct.unpack('c0', 'abc')}",
        b"-ERR user_script:1: format 'c0' needs a previous size script: b3fd8e7c8bb6ee20854fafea5b84014791ec5cf5, on @user_script:1.\r\n",
        b"-ERR user_script:1: format 'c0' needs a previous size script: b3fd8e7c8bb6ee20854fafea5b84014791ec5cf5, on @user_script:1.\r\n",
    ),
    (
        b"return {struct.unpack('>I', '\\255\\255\\255\\255')}",
        b"*2\r\n:4294967295\r\n:5\r\n",
        b"*2\r\n:4294967295\r\n:5\r\n",
    ),
    (
        b"return {struct.unpack('>l', '\\255\\255\\255\\255\\255\\255\\255\\254')}",
        b"*2\r\n:-2\r\n:9\r\n",
        b"*2\r\n:-2\r\n:9\r\n",
    ),
];
