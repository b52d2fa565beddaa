//! Redis 7.0.15's key specs and command tips, as its `COMMAND INFO`
//! reports them: where each command's keys are and what it does to them
//! (`COMMAND GETKEYS`, see `getkeys`), and the tips clients read
//! (`nondeterministic_output`, the cluster request and response policies).
//! Facts, copied from redis-server, for every Redis command, so that a
//! command added to sharedkv finds its own; sorted by name.

/// One key spec: how to find some of a command's keys in its arguments,
/// and the flags of those keys.
#[derive(Debug)]
pub(crate) struct KeySpec {
    /// Redis's note on the spec, if any.
    pub(crate) notes: Option<&'static str>,
    /// `RW`, `RO`, `OW`, `RM`, then `access`, `update`, `insert`,
    /// `delete`, ..., in Redis's order.
    pub(crate) flags: &'static [&'static str],
    pub(crate) begin: Begin,
    pub(crate) find: Find,
}

/// Where the search for the keys begins.
#[derive(Debug)]
pub(crate) enum Begin {
    /// At this argument (the name is 0).
    Index(i32),
    /// After this keyword, searched for from this index (negative: from
    /// the end, backwards).
    Keyword(&'static str, i32),
    /// Only the command's own code knows (`SORT`'s `STORE`).
    Unknown,
}

/// Which arguments, from where the search began, are keys.
#[derive(Debug)]
pub(crate) enum Find {
    /// From the beginning to `lastkey` (negative: from the end; with a
    /// `limit`, up to that fraction of what remains), every `step`.
    Range { lastkey: i32, step: i32, limit: i32 },
    /// The argument at `index` says how many keys there are, from `first`,
    /// every `step`.
    Keynum { index: i32, first: i32, step: i32 },
    /// Only the command's own code knows.
    Unknown,
}

/// Every command with keys, by full name.
pub(crate) static KEY_SPECS: &[(&str, &[KeySpec])] = &[
    (
        "append",
        &[KeySpec {
            notes: None,
            flags: &["RW", "insert"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "bitcount",
        &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "bitfield",
        &[KeySpec {
            notes: Some("This command allows both access and modification of the key"),
            flags: &["RW", "access", "update", "variable_flags"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "bitfield_ro",
        &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "bitop",
        &[
            KeySpec {
                notes: None,
                flags: &["OW", "update"],
                begin: Begin::Index(2),
                find: Find::Range {
                    lastkey: 0,
                    step: 1,
                    limit: 0,
                },
            },
            KeySpec {
                notes: None,
                flags: &["RO", "access"],
                begin: Begin::Index(3),
                find: Find::Range {
                    lastkey: -1,
                    step: 1,
                    limit: 0,
                },
            },
        ],
    ),
    (
        "bitpos",
        &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "blmove",
        &[
            KeySpec {
                notes: None,
                flags: &["RW", "access", "delete"],
                begin: Begin::Index(1),
                find: Find::Range {
                    lastkey: 0,
                    step: 1,
                    limit: 0,
                },
            },
            KeySpec {
                notes: None,
                flags: &["RW", "insert"],
                begin: Begin::Index(2),
                find: Find::Range {
                    lastkey: 0,
                    step: 1,
                    limit: 0,
                },
            },
        ],
    ),
    (
        "blmpop",
        &[KeySpec {
            notes: None,
            flags: &["RW", "access", "delete"],
            begin: Begin::Index(2),
            find: Find::Keynum {
                index: 0,
                first: 1,
                step: 1,
            },
        }],
    ),
    (
        "blpop",
        &[KeySpec {
            notes: None,
            flags: &["RW", "access", "delete"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: -2,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "brpop",
        &[KeySpec {
            notes: None,
            flags: &["RW", "access", "delete"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: -2,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "brpoplpush",
        &[
            KeySpec {
                notes: None,
                flags: &["RW", "access", "delete"],
                begin: Begin::Index(1),
                find: Find::Range {
                    lastkey: 0,
                    step: 1,
                    limit: 0,
                },
            },
            KeySpec {
                notes: None,
                flags: &["RW", "insert"],
                begin: Begin::Index(2),
                find: Find::Range {
                    lastkey: 0,
                    step: 1,
                    limit: 0,
                },
            },
        ],
    ),
    (
        "bzmpop",
        &[KeySpec {
            notes: None,
            flags: &["RW", "access", "delete"],
            begin: Begin::Index(2),
            find: Find::Keynum {
                index: 0,
                first: 1,
                step: 1,
            },
        }],
    ),
    (
        "bzpopmax",
        &[KeySpec {
            notes: None,
            flags: &["RW", "access", "delete"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: -2,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "bzpopmin",
        &[KeySpec {
            notes: None,
            flags: &["RW", "access", "delete"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: -2,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "copy",
        &[
            KeySpec {
                notes: None,
                flags: &["RO", "access"],
                begin: Begin::Index(1),
                find: Find::Range {
                    lastkey: 0,
                    step: 1,
                    limit: 0,
                },
            },
            KeySpec {
                notes: None,
                flags: &["OW", "update"],
                begin: Begin::Index(2),
                find: Find::Range {
                    lastkey: 0,
                    step: 1,
                    limit: 0,
                },
            },
        ],
    ),
    (
        "decr",
        &[KeySpec {
            notes: None,
            flags: &["RW", "access", "update"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "decrby",
        &[KeySpec {
            notes: None,
            flags: &["RW", "access", "update"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "del",
        &[KeySpec {
            notes: None,
            flags: &["RM", "delete"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: -1,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "dump",
        &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "eval",
        &[KeySpec {
            notes: Some(
                "We cannot tell how the keys will be used so we assume the worst, RW and UPDATE",
            ),
            flags: &["RW", "access", "update"],
            begin: Begin::Index(2),
            find: Find::Keynum {
                index: 0,
                first: 1,
                step: 1,
            },
        }],
    ),
    (
        "eval_ro",
        &[KeySpec {
            notes: Some(
                "We cannot tell how the keys will be used so we assume the worst, RO and ACCESS",
            ),
            flags: &["RO", "access"],
            begin: Begin::Index(2),
            find: Find::Keynum {
                index: 0,
                first: 1,
                step: 1,
            },
        }],
    ),
    (
        "evalsha",
        &[KeySpec {
            notes: None,
            flags: &["RW", "access", "update"],
            begin: Begin::Index(2),
            find: Find::Keynum {
                index: 0,
                first: 1,
                step: 1,
            },
        }],
    ),
    (
        "evalsha_ro",
        &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(2),
            find: Find::Keynum {
                index: 0,
                first: 1,
                step: 1,
            },
        }],
    ),
    (
        "exists",
        &[KeySpec {
            notes: None,
            flags: &["RO"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: -1,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "expire",
        &[KeySpec {
            notes: None,
            flags: &["RW", "update"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "expireat",
        &[KeySpec {
            notes: None,
            flags: &["RW", "update"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "expiretime",
        &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "fcall",
        &[KeySpec {
            notes: Some(
                "We cannot tell how the keys will be used so we assume the worst, RW and UPDATE",
            ),
            flags: &["RW", "access", "update"],
            begin: Begin::Index(2),
            find: Find::Keynum {
                index: 0,
                first: 1,
                step: 1,
            },
        }],
    ),
    (
        "fcall_ro",
        &[KeySpec {
            notes: Some(
                "We cannot tell how the keys will be used so we assume the worst, RO and ACCESS",
            ),
            flags: &["RO", "access"],
            begin: Begin::Index(2),
            find: Find::Keynum {
                index: 0,
                first: 1,
                step: 1,
            },
        }],
    ),
    (
        "geoadd",
        &[KeySpec {
            notes: None,
            flags: &["RW", "update"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "geodist",
        &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "geohash",
        &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "geopos",
        &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "georadius",
        &[
            KeySpec {
                notes: None,
                flags: &["RO", "access"],
                begin: Begin::Index(1),
                find: Find::Range {
                    lastkey: 0,
                    step: 1,
                    limit: 0,
                },
            },
            KeySpec {
                notes: None,
                flags: &["OW", "update"],
                begin: Begin::Keyword("STORE", 6),
                find: Find::Range {
                    lastkey: 0,
                    step: 1,
                    limit: 0,
                },
            },
            KeySpec {
                notes: None,
                flags: &["OW", "update"],
                begin: Begin::Keyword("STOREDIST", 6),
                find: Find::Range {
                    lastkey: 0,
                    step: 1,
                    limit: 0,
                },
            },
        ],
    ),
    (
        "georadius_ro",
        &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "georadiusbymember",
        &[
            KeySpec {
                notes: None,
                flags: &["RO", "access"],
                begin: Begin::Index(1),
                find: Find::Range {
                    lastkey: 0,
                    step: 1,
                    limit: 0,
                },
            },
            KeySpec {
                notes: None,
                flags: &["OW", "update"],
                begin: Begin::Keyword("STORE", 5),
                find: Find::Range {
                    lastkey: 0,
                    step: 1,
                    limit: 0,
                },
            },
            KeySpec {
                notes: None,
                flags: &["OW", "update"],
                begin: Begin::Keyword("STOREDIST", 5),
                find: Find::Range {
                    lastkey: 0,
                    step: 1,
                    limit: 0,
                },
            },
        ],
    ),
    (
        "georadiusbymember_ro",
        &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "geosearch",
        &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "geosearchstore",
        &[
            KeySpec {
                notes: None,
                flags: &["OW", "update"],
                begin: Begin::Index(1),
                find: Find::Range {
                    lastkey: 0,
                    step: 1,
                    limit: 0,
                },
            },
            KeySpec {
                notes: None,
                flags: &["RO", "access"],
                begin: Begin::Index(2),
                find: Find::Range {
                    lastkey: 0,
                    step: 1,
                    limit: 0,
                },
            },
        ],
    ),
    (
        "get",
        &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "getbit",
        &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "getdel",
        &[KeySpec {
            notes: None,
            flags: &["RW", "access", "delete"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "getex",
        &[KeySpec {
            notes: Some("RW and UPDATE because it changes the TTL"),
            flags: &["RW", "access", "update"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "getrange",
        &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "getset",
        &[KeySpec {
            notes: None,
            flags: &["RW", "access", "update"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "hdel",
        &[KeySpec {
            notes: None,
            flags: &["RW", "delete"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "hexists",
        &[KeySpec {
            notes: None,
            flags: &["RO"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "hget",
        &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "hgetall",
        &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "hincrby",
        &[KeySpec {
            notes: None,
            flags: &["RW", "access", "update"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "hincrbyfloat",
        &[KeySpec {
            notes: None,
            flags: &["RW", "access", "update"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "hkeys",
        &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "hlen",
        &[KeySpec {
            notes: None,
            flags: &["RO"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "hmget",
        &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "hmset",
        &[KeySpec {
            notes: None,
            flags: &["RW", "update"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "hrandfield",
        &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "hscan",
        &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "hset",
        &[KeySpec {
            notes: None,
            flags: &["RW", "update"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "hsetnx",
        &[KeySpec {
            notes: None,
            flags: &["RW", "insert"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "hstrlen",
        &[KeySpec {
            notes: None,
            flags: &["RO"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "hvals",
        &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "incr",
        &[KeySpec {
            notes: None,
            flags: &["RW", "access", "update"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "incrby",
        &[KeySpec {
            notes: None,
            flags: &["RW", "access", "update"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "incrbyfloat",
        &[KeySpec {
            notes: None,
            flags: &["RW", "access", "update"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "lcs",
        &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 1,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "lindex",
        &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "linsert",
        &[KeySpec {
            notes: None,
            flags: &["RW", "insert"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "llen",
        &[KeySpec {
            notes: None,
            flags: &["RO"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "lmove",
        &[
            KeySpec {
                notes: None,
                flags: &["RW", "access", "delete"],
                begin: Begin::Index(1),
                find: Find::Range {
                    lastkey: 0,
                    step: 1,
                    limit: 0,
                },
            },
            KeySpec {
                notes: None,
                flags: &["RW", "insert"],
                begin: Begin::Index(2),
                find: Find::Range {
                    lastkey: 0,
                    step: 1,
                    limit: 0,
                },
            },
        ],
    ),
    (
        "lmpop",
        &[KeySpec {
            notes: None,
            flags: &["RW", "access", "delete"],
            begin: Begin::Index(1),
            find: Find::Keynum {
                index: 0,
                first: 1,
                step: 1,
            },
        }],
    ),
    (
        "lpop",
        &[KeySpec {
            notes: None,
            flags: &["RW", "access", "delete"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "lpos",
        &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "lpush",
        &[KeySpec {
            notes: None,
            flags: &["RW", "insert"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "lpushx",
        &[KeySpec {
            notes: None,
            flags: &["RW", "insert"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "lrange",
        &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "lrem",
        &[KeySpec {
            notes: None,
            flags: &["RW", "delete"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "lset",
        &[KeySpec {
            notes: None,
            flags: &["RW", "update"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "ltrim",
        &[KeySpec {
            notes: None,
            flags: &["RW", "delete"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "memory|usage",
        &[KeySpec {
            notes: None,
            flags: &["RO"],
            begin: Begin::Index(2),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "mget",
        &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: -1,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "migrate",
        &[
            KeySpec {
                notes: None,
                flags: &["RW", "access", "delete"],
                begin: Begin::Index(3),
                find: Find::Range {
                    lastkey: 0,
                    step: 1,
                    limit: 0,
                },
            },
            KeySpec {
                notes: None,
                flags: &["RW", "access", "delete", "incomplete"],
                begin: Begin::Keyword("KEYS", -2),
                find: Find::Range {
                    lastkey: -1,
                    step: 1,
                    limit: 0,
                },
            },
        ],
    ),
    (
        "move",
        &[KeySpec {
            notes: None,
            flags: &["RW", "access", "update"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "mset",
        &[KeySpec {
            notes: None,
            flags: &["OW", "update"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: -1,
                step: 2,
                limit: 0,
            },
        }],
    ),
    (
        "msetnx",
        &[KeySpec {
            notes: None,
            flags: &["OW", "insert"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: -1,
                step: 2,
                limit: 0,
            },
        }],
    ),
    (
        "object|encoding",
        &[KeySpec {
            notes: None,
            flags: &["RO"],
            begin: Begin::Index(2),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "object|freq",
        &[KeySpec {
            notes: None,
            flags: &["RO"],
            begin: Begin::Index(2),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "object|idletime",
        &[KeySpec {
            notes: None,
            flags: &["RO"],
            begin: Begin::Index(2),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "object|refcount",
        &[KeySpec {
            notes: None,
            flags: &["RO"],
            begin: Begin::Index(2),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "persist",
        &[KeySpec {
            notes: None,
            flags: &["RW", "update"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "pexpire",
        &[KeySpec {
            notes: None,
            flags: &["RW", "update"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "pexpireat",
        &[KeySpec {
            notes: None,
            flags: &["RW", "update"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "pexpiretime",
        &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "pfadd",
        &[KeySpec {
            notes: None,
            flags: &["RW", "insert"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "pfcount",
        &[KeySpec {
            notes: Some(
                "RW because it may change the internal representation of the key, and propagate to replicas",
            ),
            flags: &["RW", "access"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: -1,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "pfdebug",
        &[KeySpec {
            notes: None,
            flags: &["RW", "access"],
            begin: Begin::Index(2),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "pfmerge",
        &[
            KeySpec {
                notes: None,
                flags: &["RW", "access", "insert"],
                begin: Begin::Index(1),
                find: Find::Range {
                    lastkey: 0,
                    step: 1,
                    limit: 0,
                },
            },
            KeySpec {
                notes: None,
                flags: &["RO", "access"],
                begin: Begin::Index(2),
                find: Find::Range {
                    lastkey: -1,
                    step: 1,
                    limit: 0,
                },
            },
        ],
    ),
    (
        "psetex",
        &[KeySpec {
            notes: None,
            flags: &["OW", "update"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "pttl",
        &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "rename",
        &[
            KeySpec {
                notes: None,
                flags: &["RW", "access", "delete"],
                begin: Begin::Index(1),
                find: Find::Range {
                    lastkey: 0,
                    step: 1,
                    limit: 0,
                },
            },
            KeySpec {
                notes: None,
                flags: &["OW", "update"],
                begin: Begin::Index(2),
                find: Find::Range {
                    lastkey: 0,
                    step: 1,
                    limit: 0,
                },
            },
        ],
    ),
    (
        "renamenx",
        &[
            KeySpec {
                notes: None,
                flags: &["RW", "access", "delete"],
                begin: Begin::Index(1),
                find: Find::Range {
                    lastkey: 0,
                    step: 1,
                    limit: 0,
                },
            },
            KeySpec {
                notes: None,
                flags: &["OW", "insert"],
                begin: Begin::Index(2),
                find: Find::Range {
                    lastkey: 0,
                    step: 1,
                    limit: 0,
                },
            },
        ],
    ),
    (
        "restore",
        &[KeySpec {
            notes: None,
            flags: &["OW", "update"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "restore-asking",
        &[KeySpec {
            notes: None,
            flags: &["OW", "update"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "rpop",
        &[KeySpec {
            notes: None,
            flags: &["RW", "access", "delete"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "rpoplpush",
        &[
            KeySpec {
                notes: None,
                flags: &["RW", "access", "delete"],
                begin: Begin::Index(1),
                find: Find::Range {
                    lastkey: 0,
                    step: 1,
                    limit: 0,
                },
            },
            KeySpec {
                notes: None,
                flags: &["RW", "insert"],
                begin: Begin::Index(2),
                find: Find::Range {
                    lastkey: 0,
                    step: 1,
                    limit: 0,
                },
            },
        ],
    ),
    (
        "rpush",
        &[KeySpec {
            notes: None,
            flags: &["RW", "insert"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "rpushx",
        &[KeySpec {
            notes: None,
            flags: &["RW", "insert"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "sadd",
        &[KeySpec {
            notes: None,
            flags: &["RW", "insert"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "scard",
        &[KeySpec {
            notes: None,
            flags: &["RO"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "sdiff",
        &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: -1,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "sdiffstore",
        &[
            KeySpec {
                notes: None,
                flags: &["OW", "update"],
                begin: Begin::Index(1),
                find: Find::Range {
                    lastkey: 0,
                    step: 1,
                    limit: 0,
                },
            },
            KeySpec {
                notes: None,
                flags: &["RO", "access"],
                begin: Begin::Index(2),
                find: Find::Range {
                    lastkey: -1,
                    step: 1,
                    limit: 0,
                },
            },
        ],
    ),
    (
        "set",
        &[KeySpec {
            notes: Some("RW and ACCESS due to the optional `GET` argument"),
            flags: &["RW", "access", "update", "variable_flags"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "setbit",
        &[KeySpec {
            notes: None,
            flags: &["RW", "access", "update"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "setex",
        &[KeySpec {
            notes: None,
            flags: &["OW", "update"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "setnx",
        &[KeySpec {
            notes: None,
            flags: &["OW", "insert"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "setrange",
        &[KeySpec {
            notes: None,
            flags: &["RW", "update"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "sinter",
        &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: -1,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "sintercard",
        &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(1),
            find: Find::Keynum {
                index: 0,
                first: 1,
                step: 1,
            },
        }],
    ),
    (
        "sinterstore",
        &[
            KeySpec {
                notes: None,
                flags: &["RW", "update"],
                begin: Begin::Index(1),
                find: Find::Range {
                    lastkey: 0,
                    step: 1,
                    limit: 0,
                },
            },
            KeySpec {
                notes: None,
                flags: &["RO", "access"],
                begin: Begin::Index(2),
                find: Find::Range {
                    lastkey: -1,
                    step: 1,
                    limit: 0,
                },
            },
        ],
    ),
    (
        "sismember",
        &[KeySpec {
            notes: None,
            flags: &["RO"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "smembers",
        &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "smismember",
        &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "smove",
        &[
            KeySpec {
                notes: None,
                flags: &["RW", "access", "delete"],
                begin: Begin::Index(1),
                find: Find::Range {
                    lastkey: 0,
                    step: 1,
                    limit: 0,
                },
            },
            KeySpec {
                notes: None,
                flags: &["RW", "insert"],
                begin: Begin::Index(2),
                find: Find::Range {
                    lastkey: 0,
                    step: 1,
                    limit: 0,
                },
            },
        ],
    ),
    (
        "sort",
        &[
            KeySpec {
                notes: None,
                flags: &["RO", "access"],
                begin: Begin::Index(1),
                find: Find::Range {
                    lastkey: 0,
                    step: 1,
                    limit: 0,
                },
            },
            KeySpec {
                notes: Some(
                    "For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content of the key we sort",
                ),
                flags: &["RO", "access"],
                begin: Begin::Unknown,
                find: Find::Unknown,
            },
            KeySpec {
                notes: Some(
                    "For the optional STORE keyword. It is marked 'unknown' because the keyword can appear anywhere in the argument array",
                ),
                flags: &["OW", "update"],
                begin: Begin::Unknown,
                find: Find::Unknown,
            },
        ],
    ),
    (
        "sort_ro",
        &[
            KeySpec {
                notes: None,
                flags: &["RO", "access"],
                begin: Begin::Index(1),
                find: Find::Range {
                    lastkey: 0,
                    step: 1,
                    limit: 0,
                },
            },
            KeySpec {
                notes: Some(
                    "For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content of the key we sort",
                ),
                flags: &["RO", "access"],
                begin: Begin::Unknown,
                find: Find::Unknown,
            },
        ],
    ),
    (
        "spop",
        &[KeySpec {
            notes: None,
            flags: &["RW", "access", "delete"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "spublish",
        &[KeySpec {
            notes: None,
            flags: &["not_key"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "srandmember",
        &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "srem",
        &[KeySpec {
            notes: None,
            flags: &["RW", "delete"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "sscan",
        &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "ssubscribe",
        &[KeySpec {
            notes: None,
            flags: &["not_key"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: -1,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "strlen",
        &[KeySpec {
            notes: None,
            flags: &["RO"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "substr",
        &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "sunion",
        &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: -1,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "sunionstore",
        &[
            KeySpec {
                notes: None,
                flags: &["OW", "update"],
                begin: Begin::Index(1),
                find: Find::Range {
                    lastkey: 0,
                    step: 1,
                    limit: 0,
                },
            },
            KeySpec {
                notes: None,
                flags: &["RO", "access"],
                begin: Begin::Index(2),
                find: Find::Range {
                    lastkey: -1,
                    step: 1,
                    limit: 0,
                },
            },
        ],
    ),
    (
        "sunsubscribe",
        &[KeySpec {
            notes: None,
            flags: &["not_key"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: -1,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "touch",
        &[KeySpec {
            notes: None,
            flags: &["RO"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: -1,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "ttl",
        &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "type",
        &[KeySpec {
            notes: None,
            flags: &["RO"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "unlink",
        &[KeySpec {
            notes: None,
            flags: &["RM", "delete"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: -1,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "watch",
        &[KeySpec {
            notes: None,
            flags: &["RO"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: -1,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "xack",
        &[KeySpec {
            notes: None,
            flags: &["RW", "update"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "xadd",
        &[KeySpec {
            notes: Some("UPDATE instead of INSERT because of the optional trimming feature"),
            flags: &["RW", "update"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "xautoclaim",
        &[KeySpec {
            notes: None,
            flags: &["RW", "delete"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "xclaim",
        &[KeySpec {
            notes: None,
            flags: &["RW", "update"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "xdel",
        &[KeySpec {
            notes: None,
            flags: &["RW", "delete"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "xgroup|create",
        &[KeySpec {
            notes: None,
            flags: &["RW", "insert"],
            begin: Begin::Index(2),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "xgroup|createconsumer",
        &[KeySpec {
            notes: None,
            flags: &["RW", "insert"],
            begin: Begin::Index(2),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "xgroup|delconsumer",
        &[KeySpec {
            notes: None,
            flags: &["RW", "delete"],
            begin: Begin::Index(2),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "xgroup|destroy",
        &[KeySpec {
            notes: None,
            flags: &["RW", "delete"],
            begin: Begin::Index(2),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "xgroup|setid",
        &[KeySpec {
            notes: None,
            flags: &["RW", "update"],
            begin: Begin::Index(2),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "xinfo|consumers",
        &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(2),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "xinfo|groups",
        &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(2),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "xinfo|stream",
        &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(2),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "xlen",
        &[KeySpec {
            notes: None,
            flags: &["RO"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "xpending",
        &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "xrange",
        &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "xread",
        &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Keyword("STREAMS", 1),
            find: Find::Range {
                lastkey: -1,
                step: 1,
                limit: 2,
            },
        }],
    ),
    (
        "xreadgroup",
        &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Keyword("STREAMS", 4),
            find: Find::Range {
                lastkey: -1,
                step: 1,
                limit: 2,
            },
        }],
    ),
    (
        "xrevrange",
        &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "xsetid",
        &[KeySpec {
            notes: None,
            flags: &["RW", "update"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "xtrim",
        &[KeySpec {
            notes: None,
            flags: &["RW", "delete"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "zadd",
        &[KeySpec {
            notes: None,
            flags: &["RW", "update"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "zcard",
        &[KeySpec {
            notes: None,
            flags: &["RO"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "zcount",
        &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "zdiff",
        &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(1),
            find: Find::Keynum {
                index: 0,
                first: 1,
                step: 1,
            },
        }],
    ),
    (
        "zdiffstore",
        &[
            KeySpec {
                notes: None,
                flags: &["OW", "update"],
                begin: Begin::Index(1),
                find: Find::Range {
                    lastkey: 0,
                    step: 1,
                    limit: 0,
                },
            },
            KeySpec {
                notes: None,
                flags: &["RO", "access"],
                begin: Begin::Index(2),
                find: Find::Keynum {
                    index: 0,
                    first: 1,
                    step: 1,
                },
            },
        ],
    ),
    (
        "zincrby",
        &[KeySpec {
            notes: None,
            flags: &["RW", "access", "update"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "zinter",
        &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(1),
            find: Find::Keynum {
                index: 0,
                first: 1,
                step: 1,
            },
        }],
    ),
    (
        "zintercard",
        &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(1),
            find: Find::Keynum {
                index: 0,
                first: 1,
                step: 1,
            },
        }],
    ),
    (
        "zinterstore",
        &[
            KeySpec {
                notes: None,
                flags: &["OW", "update"],
                begin: Begin::Index(1),
                find: Find::Range {
                    lastkey: 0,
                    step: 1,
                    limit: 0,
                },
            },
            KeySpec {
                notes: None,
                flags: &["RO", "access"],
                begin: Begin::Index(2),
                find: Find::Keynum {
                    index: 0,
                    first: 1,
                    step: 1,
                },
            },
        ],
    ),
    (
        "zlexcount",
        &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "zmpop",
        &[KeySpec {
            notes: None,
            flags: &["RW", "access", "delete"],
            begin: Begin::Index(1),
            find: Find::Keynum {
                index: 0,
                first: 1,
                step: 1,
            },
        }],
    ),
    (
        "zmscore",
        &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "zpopmax",
        &[KeySpec {
            notes: None,
            flags: &["RW", "access", "delete"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "zpopmin",
        &[KeySpec {
            notes: None,
            flags: &["RW", "access", "delete"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "zrandmember",
        &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "zrange",
        &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "zrangebylex",
        &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "zrangebyscore",
        &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "zrangestore",
        &[
            KeySpec {
                notes: None,
                flags: &["OW", "update"],
                begin: Begin::Index(1),
                find: Find::Range {
                    lastkey: 0,
                    step: 1,
                    limit: 0,
                },
            },
            KeySpec {
                notes: None,
                flags: &["RO", "access"],
                begin: Begin::Index(2),
                find: Find::Range {
                    lastkey: 0,
                    step: 1,
                    limit: 0,
                },
            },
        ],
    ),
    (
        "zrank",
        &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "zrem",
        &[KeySpec {
            notes: None,
            flags: &["RW", "delete"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "zremrangebylex",
        &[KeySpec {
            notes: None,
            flags: &["RW", "delete"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "zremrangebyrank",
        &[KeySpec {
            notes: None,
            flags: &["RW", "delete"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "zremrangebyscore",
        &[KeySpec {
            notes: None,
            flags: &["RW", "delete"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "zrevrange",
        &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "zrevrangebylex",
        &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "zrevrangebyscore",
        &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "zrevrank",
        &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "zscan",
        &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "zscore",
        &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(1),
            find: Find::Range {
                lastkey: 0,
                step: 1,
                limit: 0,
            },
        }],
    ),
    (
        "zunion",
        &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(1),
            find: Find::Keynum {
                index: 0,
                first: 1,
                step: 1,
            },
        }],
    ),
    (
        "zunionstore",
        &[
            KeySpec {
                notes: None,
                flags: &["OW", "update"],
                begin: Begin::Index(1),
                find: Find::Range {
                    lastkey: 0,
                    step: 1,
                    limit: 0,
                },
            },
            KeySpec {
                notes: None,
                flags: &["RO", "access"],
                begin: Begin::Index(2),
                find: Find::Keynum {
                    index: 0,
                    first: 1,
                    step: 1,
                },
            },
        ],
    ),
];

/// Every command with tips, by full name.
pub(crate) static TIPS: &[(&str, &[&str])] = &[
    ("client|info", &["nondeterministic_output"]),
    ("client|list", &["nondeterministic_output"]),
    ("cluster|bumpepoch", &["nondeterministic_output"]),
    (
        "cluster|count-failure-reports",
        &["nondeterministic_output"],
    ),
    ("cluster|getkeysinslot", &["nondeterministic_output"]),
    ("cluster|info", &["nondeterministic_output"]),
    ("cluster|links", &["nondeterministic_output"]),
    ("cluster|nodes", &["nondeterministic_output"]),
    ("cluster|replicas", &["nondeterministic_output"]),
    ("cluster|shards", &["nondeterministic_output"]),
    ("cluster|slaves", &["nondeterministic_output"]),
    ("cluster|slots", &["nondeterministic_output"]),
    ("command", &["nondeterministic_output_order"]),
    ("command|docs", &["nondeterministic_output_order"]),
    ("command|info", &["nondeterministic_output_order"]),
    ("command|list", &["nondeterministic_output_order"]),
    (
        "config|set",
        &["request_policy:all_nodes", "response_policy:all_succeeded"],
    ),
    (
        "dbsize",
        &["request_policy:all_shards", "response_policy:agg_sum"],
    ),
    (
        "del",
        &["request_policy:multi_shard", "response_policy:agg_sum"],
    ),
    ("dump", &["nondeterministic_output"]),
    (
        "exists",
        &["request_policy:multi_shard", "response_policy:agg_sum"],
    ),
    (
        "flushall",
        &["request_policy:all_shards", "response_policy:all_succeeded"],
    ),
    (
        "flushdb",
        &["request_policy:all_shards", "response_policy:all_succeeded"],
    ),
    (
        "function|delete",
        &["request_policy:all_shards", "response_policy:all_succeeded"],
    ),
    (
        "function|flush",
        &["request_policy:all_shards", "response_policy:all_succeeded"],
    ),
    (
        "function|kill",
        &["request_policy:all_shards", "response_policy:one_succeeded"],
    ),
    ("function|list", &["nondeterministic_output_order"]),
    (
        "function|load",
        &["request_policy:all_shards", "response_policy:all_succeeded"],
    ),
    (
        "function|restore",
        &["request_policy:all_shards", "response_policy:all_succeeded"],
    ),
    (
        "function|stats",
        &[
            "nondeterministic_output",
            "request_policy:all_shards",
            "response_policy:special",
        ],
    ),
    ("hgetall", &["nondeterministic_output_order"]),
    ("hkeys", &["nondeterministic_output_order"]),
    ("hrandfield", &["nondeterministic_output"]),
    ("hscan", &["nondeterministic_output"]),
    ("hvals", &["nondeterministic_output_order"]),
    (
        "info",
        &[
            "nondeterministic_output",
            "request_policy:all_shards",
            "response_policy:special",
        ],
    ),
    (
        "keys",
        &["request_policy:all_shards", "nondeterministic_output_order"],
    ),
    ("lastsave", &["nondeterministic_output"]),
    (
        "latency|doctor",
        &[
            "nondeterministic_output",
            "request_policy:all_nodes",
            "response_policy:special",
        ],
    ),
    (
        "latency|graph",
        &[
            "nondeterministic_output",
            "request_policy:all_nodes",
            "response_policy:special",
        ],
    ),
    (
        "latency|histogram",
        &[
            "nondeterministic_output",
            "request_policy:all_nodes",
            "response_policy:special",
        ],
    ),
    (
        "latency|history",
        &[
            "nondeterministic_output",
            "request_policy:all_nodes",
            "response_policy:special",
        ],
    ),
    (
        "latency|latest",
        &[
            "nondeterministic_output",
            "request_policy:all_nodes",
            "response_policy:special",
        ],
    ),
    (
        "latency|reset",
        &["request_policy:all_nodes", "response_policy:all_succeeded"],
    ),
    (
        "memory|doctor",
        &[
            "nondeterministic_output",
            "request_policy:all_shards",
            "response_policy:special",
        ],
    ),
    (
        "memory|malloc-stats",
        &[
            "nondeterministic_output",
            "request_policy:all_shards",
            "response_policy:special",
        ],
    ),
    (
        "memory|purge",
        &["request_policy:all_shards", "response_policy:all_succeeded"],
    ),
    (
        "memory|stats",
        &[
            "nondeterministic_output",
            "request_policy:all_shards",
            "response_policy:special",
        ],
    ),
    ("mget", &["request_policy:multi_shard"]),
    ("migrate", &["nondeterministic_output"]),
    ("module|list", &["nondeterministic_output_order"]),
    (
        "mset",
        &[
            "request_policy:multi_shard",
            "response_policy:all_succeeded",
        ],
    ),
    (
        "msetnx",
        &["request_policy:multi_shard", "response_policy:agg_min"],
    ),
    ("object|encoding", &["nondeterministic_output"]),
    ("object|freq", &["nondeterministic_output"]),
    ("object|idletime", &["nondeterministic_output"]),
    ("object|refcount", &["nondeterministic_output"]),
    (
        "ping",
        &["request_policy:all_shards", "response_policy:all_succeeded"],
    ),
    ("pttl", &["nondeterministic_output"]),
    (
        "randomkey",
        &["request_policy:all_shards", "nondeterministic_output"],
    ),
    (
        "scan",
        &["nondeterministic_output", "request_policy:special"],
    ),
    (
        "script|exists",
        &[
            "request_policy:all_shards",
            "response_policy:agg_logical_and",
        ],
    ),
    (
        "script|flush",
        &["request_policy:all_nodes", "response_policy:all_succeeded"],
    ),
    (
        "script|kill",
        &["request_policy:all_shards", "response_policy:one_succeeded"],
    ),
    (
        "script|load",
        &["request_policy:all_nodes", "response_policy:all_succeeded"],
    ),
    ("sdiff", &["nondeterministic_output_order"]),
    ("sinter", &["nondeterministic_output_order"]),
    (
        "slowlog|get",
        &["request_policy:all_nodes", "nondeterministic_output"],
    ),
    (
        "slowlog|len",
        &[
            "request_policy:all_nodes",
            "response_policy:agg_sum",
            "nondeterministic_output",
        ],
    ),
    (
        "slowlog|reset",
        &["request_policy:all_nodes", "response_policy:all_succeeded"],
    ),
    ("smembers", &["nondeterministic_output_order"]),
    ("spop", &["nondeterministic_output"]),
    ("srandmember", &["nondeterministic_output"]),
    ("sscan", &["nondeterministic_output"]),
    ("sunion", &["nondeterministic_output_order"]),
    ("time", &["nondeterministic_output"]),
    (
        "touch",
        &["request_policy:multi_shard", "response_policy:agg_sum"],
    ),
    ("ttl", &["nondeterministic_output"]),
    (
        "unlink",
        &["request_policy:multi_shard", "response_policy:agg_sum"],
    ),
    (
        "wait",
        &["request_policy:all_shards", "response_policy:agg_min"],
    ),
    ("xadd", &["nondeterministic_output"]),
    ("xautoclaim", &["nondeterministic_output"]),
    ("xclaim", &["nondeterministic_output"]),
    ("xinfo|consumers", &["nondeterministic_output"]),
    ("xpending", &["nondeterministic_output"]),
    ("xtrim", &["nondeterministic_output"]),
    ("zrandmember", &["nondeterministic_output"]),
    ("zscan", &["nondeterministic_output"]),
];
