//! Runs requests through the command layer in process, on one strategy,
//! and returns the raw RESP replies: what the server would write.

use bytes::{Bytes, BytesMut};
use sharedkv_commands::{Ctx, DbIndex, Reply, find, run};
use sharedkv_db::Db;

/// A store and a connection's selected database.
pub struct Session<D> {
    pub db: D,
    pub selected: DbIndex,
}

impl<D: Db> Session<D> {
    pub fn new(db: D) -> Self {
        Session {
            db,
            selected: DbIndex::ZERO,
        }
    }

    /// The RESP reply to one request, as text (`+OK\r\n`, `$1\r\nv\r\n`).
    pub async fn call(&mut self, words: &[&str]) -> String {
        let argv: Vec<Bytes> = words
            .iter()
            .map(|w| Bytes::copy_from_slice(w.as_bytes()))
            .collect();
        self.call_argv(argv).await
    }

    /// The RESP reply to one request of raw arguments.
    pub async fn call_argv(&mut self, argv: Vec<Bytes>) -> String {
        let mut out = BytesMut::new();
        let id = match find(&argv) {
            None => return format!("unknown {:?}", argv.first()),
            Some(Err(e)) => {
                e.encode(&mut out);
                return String::from_utf8_lossy(&out).into_owned();
            }
            Some(Ok(id)) => id,
        };
        let mut cx = Ctx {
            db: &self.db,
            selected: self.selected,
            reply: Reply::new(&mut out, 0),
            settings: sharedkv_commands::Settings::defaults(),
        };
        if let Err(e) = run(id, &mut cx, argv).await {
            cx.reply.error(&e);
        }
        self.selected = cx.selected;
        String::from_utf8_lossy(&out).into_owned()
    }
}
