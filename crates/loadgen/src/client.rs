//! One client connection: a socket, a read buffer and a write buffer, and
//! the pipelined round trip that times every reply.

use std::io;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::BytesMut;
use sharedkv_resp::{Frame, Limits, decode_frame};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::error::ErrorKind;

/// A connection that sends batches of requests and reads their replies.
pub(crate) struct Conn {
    stream: TcpStream,
    rbuf: BytesMut,
    /// The requests of the next batch; [`Conn::round_trip`] sends it and
    /// leaves it intact (the hog resends the same bytes every time).
    pub(crate) wbuf: BytesMut,
    limits: Limits,
}

impl Conn {
    /// Connects with `TCP_NODELAY` set: a batch is one write, and Nagle
    /// would only hold it back.
    pub(crate) async fn connect(addr: SocketAddr) -> io::Result<Conn> {
        let stream = tokio::time::timeout(Duration::from_secs(10), TcpStream::connect(addr))
            .await
            .map_err(|_| {
                io::Error::new(io::ErrorKind::TimedOut, "connect timed out after 10 s")
            })??;
        stream.set_nodelay(true)?;
        Ok(Conn {
            stream,
            rbuf: BytesMut::with_capacity(64 * 1024),
            wbuf: BytesMut::with_capacity(64 * 1024),
            limits: Limits::default(),
        })
    }

    /// Sends the whole of `wbuf` in one write and reads exactly `n` replies,
    /// calling `on_reply(i, frame, latency)` for the `i`-th. A reply's
    /// latency is the instant the read that completed it returned minus the
    /// instant the batch was written: every request of the batch left at the
    /// same time, so this is each request's own round trip, not the first
    /// reply's.
    ///
    /// Writing and reading run concurrently, so a batch larger than the
    /// socket buffers cannot deadlock against a server that stops reading
    /// while its replies are not being read.
    pub(crate) async fn round_trip(
        &mut self,
        n: usize,
        mut on_reply: impl FnMut(usize, Frame, Duration),
    ) -> Result<(), ErrorKind> {
        let (mut reader, mut writer) = self.stream.split();
        let (rbuf, wbuf, limits) = (&mut self.rbuf, &self.wbuf, &self.limits);
        let sent = Instant::now();
        let write = async { writer.write_all(wbuf).await.map_err(ErrorKind::Io) };
        let read = async {
            let mut got = 0;
            while got < n {
                if rbuf.capacity() - rbuf.len() < 16 * 1024 {
                    // Grow geometrically: a huge reply (the hog's MGET)
                    // then arrives in O(log n) reads, and the stateless
                    // decoder, which rescans an incomplete frame from its
                    // start on every read, does O(n) work in all.
                    rbuf.reserve(rbuf.len().max(64 * 1024));
                }
                if reader.read_buf(rbuf).await.map_err(ErrorKind::Io)? == 0 {
                    return Err(ErrorKind::Closed);
                }
                let latency = sent.elapsed();
                while got < n {
                    match decode_frame(rbuf, limits).map_err(ErrorKind::Protocol)? {
                        Some(frame) => {
                            on_reply(got, frame, latency);
                            got += 1;
                        }
                        None => break,
                    }
                }
            }
            if rbuf.is_empty() {
                Ok(())
            } else {
                Err(ErrorKind::Unsolicited)
            }
        };
        tokio::try_join!(write, read).map(|_| ())
    }
}
