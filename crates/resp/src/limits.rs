//! Size limits the decoders enforce before they buffer or allocate anything.

/// Size limits checked against every header a peer sends.
///
/// A length a client declares is only a claim: the decoders compare it with
/// these limits and then wait for the bytes to actually arrive. They never
/// reserve or allocate in proportion to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Longest bulk string accepted, in bytes. Redis's `proto-max-bulk-len`,
    /// 512 MiB by default.
    pub max_bulk_len: usize,
    /// Longest line the decoder buffers while looking for its end: a whole
    /// inline request, or a `*N` / `$N` header line (type byte included).
    /// Redis's `PROTO_INLINE_MAX_SIZE`, 64 KiB. This is what stops a peer
    /// that sends bytes without ever sending a newline.
    pub max_inline_len: usize,
    /// Most elements a multibulk request (or array reply) may declare.
    /// Redis accepts up to `INT_MAX`.
    pub max_multibulk_len: usize,
}

impl Limits {
    /// The limits Redis applies before a client has authenticated (the fix
    /// for CVE-2021-32675): at most 10 arguments of at most 16 KiB each, so
    /// an unauthenticated client cannot make the server buffer much.
    pub const UNAUTHENTICATED: Limits = Limits {
        max_bulk_len: 16 * 1024,
        max_inline_len: 64 * 1024,
        max_multibulk_len: 10,
    };
}

impl Default for Limits {
    /// Redis's defaults: 512 MiB bulks, 64 KiB lines, `INT_MAX` elements.
    fn default() -> Self {
        Limits {
            max_bulk_len: 512 * 1024 * 1024,
            max_inline_len: 64 * 1024,
            max_multibulk_len: i32::MAX as usize,
        }
    }
}
