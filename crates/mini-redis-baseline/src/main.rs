//! `mini-redis-baseline`: the crates.io mini-redis server, as a baseline for
//! the end-to-end comparison (`scripts/compare`).
//!
//! Nothing of mini-redis is copied: this binds a listener and calls the
//! crate's own [`mini_redis::server::run`], on a multi-thread runtime as
//! its `mini-redis-server` binary does. It differs from that binary only in
//! its command line (`--port 0` picks a free port and prints it, as
//! `sharedkv-server` does) and in stopping on SIGTERM as well as SIGINT.
//!
//! What the comparison shows of it follows from its code, not from this
//! wrapper: it never sets `TCP_NODELAY`, so a pipelined batch's reply waits
//! on Nagle's algorithm; it accepts at most 250 connections and leaves later
//! ones waiting in the backlog; it knows only GET, SET, PUBLISH, SUBSCRIBE,
//! UNSUBSCRIBE and PING.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use anyhow::Context as _;
use clap::Parser;
use tokio::net::TcpListener;
use tokio::signal::unix::{SignalKind, signal};

/// The mini-redis 0.4 server, for comparisons.
#[derive(Debug, Parser)]
#[command(version)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    bind: IpAddr,

    /// Port to listen on; 0 picks a free one. The bound address is printed
    /// on stdout as "listening on ADDRESS".
    #[arg(long, default_value_t = 6379)]
    port: u16,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let mut interrupt = signal(SignalKind::interrupt()).context("cannot handle SIGINT")?;
    let mut terminate = signal(SignalKind::terminate()).context("cannot handle SIGTERM")?;
    let address = SocketAddr::new(args.bind, args.port);
    let listener = TcpListener::bind(address)
        .await
        .with_context(|| format!("cannot listen on {address}"))?;
    println!("listening on {}", listener.local_addr()?);
    let shutdown = async {
        tokio::select! {
            _ = interrupt.recv() => {}
            _ = terminate.recv() => {}
        }
    };
    mini_redis::server::run(listener, shutdown)
        .await
        .map_err(|e| anyhow::anyhow!("mini-redis server failed: {e}"))
}
