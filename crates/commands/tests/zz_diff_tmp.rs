//! TEMPORARY differential harness (not to be committed).
use bytes::{Bytes, BytesMut};
use sharedkv_commands::{Ctx, DbIndex, Reply, find, run};
use sharedkv_std_mutex::StdMutexDb;

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap())
        .collect()
}

#[tokio::test]
async fn diff_cases() {
    let Ok(path) = std::env::var("DIFF_CASES") else {
        return;
    };
    let out_path = std::env::var("DIFF_OUT").unwrap();
    let text = std::fs::read_to_string(path).unwrap();
    let db = StdMutexDb::new();
    let mut selected = DbIndex::ZERO;
    let mut lines = Vec::new();
    for line in text.lines() {
        let argv: Vec<Bytes> = line
            .split(' ')
            .map(|w| Bytes::from(unhex(&w[1..])))
            .collect();
        let mut out = BytesMut::new();
        match find(&argv) {
            None => out.extend_from_slice(b"unknown"),
            Some(Err(e)) => e.encode(&mut out),
            Some(Ok(id)) => {
                let mut cx = Ctx {
                    db: &db,
                    selected,
                    reply: Reply::new(&mut out, 0),
                };
                if let Err(e) = run(id, &mut cx, argv).await {
                    cx.reply.error(&e);
                }
                selected = cx.selected;
            }
        }
        lines.push(out.iter().map(|b| format!("{b:02x}")).collect::<String>());
    }
    std::fs::write(out_path, lines.join("\n")).unwrap();
}
