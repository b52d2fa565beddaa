//! `compare-charts DIR`: reads DIR/results.csv and draws SVG charts of the
//! medians over rounds: throughput, p99 latency, CPU per request, memory,
//! the collection tests' throughput and the memory per element of each
//! collection type (each chart only if its scenarios ran).
//! A separate step from the run, as conc-map-bench plots, so charts can be
//! redrawn from the CSV alone.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use clap::Parser;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use sharedkv_compare::{
    MINI_REDIS, Meta, REDIS, Row, latest_rows, median, read_rows, servers, si, status, values,
};

/// Draws DIR/{throughput,latency,cpu,memory,collections,memory-types}.svg
/// from DIR/results.csv.
#[derive(Debug, Parser)]
#[command(name = "compare-charts")]
struct Args {
    /// The results directory.
    dir: PathBuf,
}

/// One chart: horizontal bars, one group per server, one bar per series.
struct Chart {
    file: &'static str,
    title: &'static str,
    x_desc: &'static str,
    /// `(scenario, legend)`.
    series: &'static [(&'static str, &'static str)],
    figure: fn(&Row) -> Option<f64>,
    /// A log scale, for figures spanning several orders of magnitude.
    log: bool,
    format: fn(f64) -> String,
}

const CHARTS: &[Chart] = &[
    Chart {
        file: "throughput.svg",
        title: "Throughput (median ops/s; higher is better)",
        x_desc: "requests per second",
        series: &[
            ("rb-p1", "redis-benchmark -c 50 -P 1"),
            ("rb-p16", "redis-benchmark -c 50 -P 16"),
            ("mixed-zipf-p16", "loadgen mixed zipf:0.99 -c 50 -P 16"),
            ("conns-1000", "loadgen read-heavy, 1000 connections, P1"),
        ],
        figure: |r| r.ops_per_sec,
        log: false,
        format: si,
    },
    Chart {
        file: "latency.svg",
        title: "p99 latency (median µs, log scale; lower is better)",
        x_desc: "p99 latency, µs",
        series: &[
            ("rb-p1", "redis-benchmark -c 50 -P 1"),
            ("mixed-zipf-p16", "loadgen mixed zipf:0.99 -c 50 -P 16"),
            ("conns-1000", "loadgen 1000 connections, P1"),
            ("hol-mset", "GET beside a 10k-key MSET loop"),
            ("hol-mget", "GET beside a 10k-key MGET loop"),
        ],
        figure: |r| r.p99_us,
        log: true,
        format: |v| format!("{v:.0}"),
    },
    Chart {
        file: "cpu.svg",
        title: "Server CPU per request (median µs, user + system; lower is better)",
        x_desc: "CPU µs per request",
        series: &[
            ("rb-p1", "redis-benchmark -c 50 -P 1"),
            ("rb-p16", "redis-benchmark -c 50 -P 16"),
            ("mixed-zipf-p16", "loadgen mixed zipf:0.99 -c 50 -P 16"),
            ("conns-1000", "loadgen 1000 connections, P1"),
        ],
        figure: |r| r.cpu_us_per_req,
        log: false,
        format: |v| format!("{v:.2}"),
    },
    Chart {
        file: "memory.svg",
        title: "RSS after a prefill of 1M keys with 16-byte values (median MB; lower is better)",
        x_desc: "RSS, MB",
        series: &[("memory-1m", "RSS after 1M keys")],
        figure: |r| r.rss_after_kb.map(|kb| kb as f64 / 1024.0),
        log: false,
        format: |v| format!("{v:.0}"),
    },
    Chart {
        file: "collections.svg",
        title: "Collections: redis-benchmark -c 50 -P 16 (median ops/s, log scale; higher is better)",
        x_desc: "requests per second",
        series: &[
            ("rb-p16-lpush", "LPUSH"),
            ("rb-p16-rpush", "RPUSH"),
            ("rb-p16-lpop", "LPOP"),
            ("rb-p16-rpop", "RPOP"),
            ("rb-p16-sadd", "SADD"),
            ("rb-p16-hset", "HSET"),
            ("rb-p16-spop", "SPOP"),
            ("rb-p16-zadd", "ZADD"),
            ("rb-p16-zpopmin", "ZPOPMIN"),
            ("rb-p16-lrange_100", "LRANGE 0 99"),
            ("rb-p16-lrange_600", "LRANGE 0 599"),
        ],
        figure: |r| r.ops_per_sec,
        log: true,
        format: si,
    },
    Chart {
        file: "memory-types.svg",
        title: "RSS growth per million elements, per type (median MB; lower is better)",
        x_desc: "MB per million elements",
        series: &[
            ("memory-list-1m", "list (RPUSH, 13-byte elements)"),
            (
                "memory-hash-1m",
                "hash (HSET, 8-byte fields, 13-byte values)",
            ),
            ("memory-set-1m", "set (SADD, 13-byte members)"),
            ("memory-zset-1m", "sorted set (ZADD, 13-byte members)"),
        ],
        figure: Row::rss_growth_mb_per_million,
        log: false,
        format: |v| format!("{v:.1}"),
    },
];

/// matplotlib's tab10, and one more.
const COLORS: [RGBColor; 11] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
    RGBColor(0, 0, 0),
];

/// Pixels per bar, and between server groups.
const BAR: u32 = 11;
const GAP: u32 = 10;
/// Room for the server names left of the bars.
const NAMES: u32 = 210;
const WIDTH: u32 = 1100;

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let rows = latest_rows(read_rows(&args.dir.join("results.csv"))?);
    anyhow::ensure!(!rows.is_empty(), "no rows in {}", args.dir.display());
    let meta = Meta::read(&args.dir.join("meta.json")).ok();
    let names = servers(&rows, meta.as_ref());
    let subtitle = meta.as_ref().map_or_else(String::new, |m| {
        format!(
            "{}, {} round(s), {}; {} logical CPUs",
            m.started, m.rounds, m.cpu, m.cores
        )
    });
    for chart in CHARTS {
        // A chart of scenarios that did not run (a run narrowed by
        // --scenarios, or a results.csv from before them) is not drawn.
        if !chart
            .series
            .iter()
            .any(|(scenario, _)| rows.iter().any(|r| r.scenario == *scenario))
        {
            continue;
        }
        let path = args.dir.join(chart.file);
        draw(&path, chart, &rows, &names, &subtitle)
            .with_context(|| format!("cannot draw {}", path.display()))?;
        eprintln!("compare: wrote {}", path.display());
    }
    Ok(())
}

/// The median of `chart`'s figure for each server and series, or the status
/// of a row that has none (`timeout`, `unsupported`, ...).
type Cell = Result<f64, String>;

fn cells(chart: &Chart, rows: &[Row], names: &[String]) -> Vec<Vec<Cell>> {
    names
        .iter()
        .map(|name| {
            chart
                .series
                .iter()
                .map(|(scenario, _)| {
                    median(&values(rows, name, scenario, chart.figure)).ok_or_else(|| {
                        rows.iter()
                            .find(|r| &r.server == name && r.scenario == *scenario)
                            .map_or("–", |r| {
                                if r.status == status::OK {
                                    "–"
                                } else {
                                    &r.status
                                }
                            })
                            .to_owned()
                    })
                })
                .collect()
        })
        .collect()
}

fn draw(
    path: &Path,
    chart: &Chart,
    rows: &[Row],
    names: &[String],
    subtitle: &str,
) -> anyhow::Result<()> {
    let cells = cells(chart, rows, names);
    let k = chart.series.len();
    let group = k as u32 * BAR + GAP;
    let legend = 18 * k as u32 + 10;
    let height = 90 + legend + names.len() as u32 * group + 50;
    let root = SVGBackend::new(path, (WIDTH, height)).into_drawing_area();
    root.fill(&WHITE)?;
    let (top, body) = root.split_vertically(60 + legend);
    top.draw(&Text::new(
        chart.title,
        (10, 8),
        ("sans-serif", 20).into_font().color(&BLACK),
    ))?;
    top.draw(&Text::new(
        subtitle.to_owned(),
        (10, 34),
        ("sans-serif", 12).into_font().color(&RGBColor(90, 90, 90)),
    ))?;
    for (i, (_, label)) in chart.series.iter().enumerate() {
        let y = 58 + 18 * i as i32;
        top.draw(&Rectangle::new(
            [(NAMES as i32, y), (NAMES as i32 + 14, y + 12)],
            COLORS[i % COLORS.len()].filled(),
        ))?;
        top.draw(&Text::new(
            *label,
            (NAMES as i32 + 20, y),
            ("sans-serif", 13).into_font().color(&BLACK),
        ))?;
    }

    let found: Vec<f64> = cells
        .iter()
        .flatten()
        .filter_map(|c| c.clone().ok())
        .collect();
    let max = found.iter().copied().fold(0.0, f64::max).max(1e-9);
    let n = names.len() as f64;
    if chart.log {
        // With no figure at all (every row failed) the axis spans 1 to 10:
        // an empty or inverted log range would never finish its ticks.
        let min = found.iter().copied().fold(f64::INFINITY, f64::min);
        let lo = if min.is_finite() {
            10f64.powf(min.max(1e-3).log10().floor())
        } else {
            1.0
        };
        let hi = 10f64.powf((max * 1.5).log10().ceil()).max(lo * 10.0);
        bars(&body, chart, &cells, names, (lo..hi).log_scale(), lo, n)
    } else {
        bars(&body, chart, &cells, names, 0.0..max * 1.18, 0.0, n)
    }
}

/// Draws the bars on `area`, whose x axis is `x` (linear or log).
fn bars<X>(
    area: &DrawingArea<SVGBackend<'_>, Shift>,
    chart: &Chart,
    cells: &[Vec<Cell>],
    names: &[String],
    x: X,
    x0: f64,
    n: f64,
) -> anyhow::Result<()>
where
    X: plotters::coord::ranged1d::AsRangedCoord<Value = f64>,
    X::CoordDescType: plotters::coord::ranged1d::ValueFormatter<f64>,
{
    let k = chart.series.len() as f64;
    let mut ctx = ChartBuilder::on(area)
        .margin_left(NAMES)
        .margin_right(30)
        .margin_bottom(10)
        .x_label_area_size(40)
        .build_cartesian_2d(x, 0.0..n)?;
    let format = chart.format;
    ctx.configure_mesh()
        .disable_y_mesh()
        .y_labels(0)
        .x_labels(8)
        .x_desc(chart.x_desc)
        .x_label_formatter(&|v| format(*v))
        .light_line_style(RGBColor(235, 235, 235))
        .draw()?;
    let label_style = ("sans-serif", 11).into_font().color(&BLACK);
    let note_style = ("sans-serif", 11)
        .into_font()
        .color(&RGBColor(150, 150, 150));
    // Server i's group spans y in [n-1-i, n-i), top to bottom; a margin of
    // half a bar above and below.
    for (i, server) in cells.iter().enumerate() {
        let base = n - 1.0 - i as f64;
        let bar = 1.0 / (k + 1.0);
        for (j, cell) in server.iter().enumerate() {
            let y1 = base + 1.0 - bar * (0.5 + j as f64);
            let y0 = y1 - bar;
            let color = COLORS[j % COLORS.len()];
            match cell {
                Ok(v) => {
                    ctx.draw_series(std::iter::once(Rectangle::new(
                        [(x0, y0), (*v, y1)],
                        color.filled(),
                    )))?;
                    ctx.draw_series(std::iter::once(Text::new(
                        format!(" {}", format(*v)),
                        (*v, (y0 + y1) / 2.0),
                        label_style.pos(Pos::new(HPos::Left, VPos::Center)),
                    )))?;
                }
                Err(why) => {
                    ctx.draw_series(std::iter::once(Text::new(
                        format!(" {why}"),
                        (x0, (y0 + y1) / 2.0),
                        note_style.pos(Pos::new(HPos::Left, VPos::Center)),
                    )))?;
                }
            }
        }
        // The server's name, right-aligned left of the plot.
        let (px, py) = ctx.backend_coord(&(x0, base + 0.5));
        let (ox, oy) = area.get_base_pixel();
        let name = &names[i];
        let (text, weight) = match name.as_str() {
            REDIS => ("redis-server".to_owned(), FontStyle::Bold),
            MINI_REDIS => ("mini-redis 0.4".to_owned(), FontStyle::Bold),
            _ => (name.clone(), FontStyle::Normal),
        };
        area.draw(&Text::new(
            text,
            (px - ox - 8, py - oy),
            ("sans-serif", 13)
                .into_font()
                .style(weight)
                .color(&BLACK)
                .pos(Pos::new(HPos::Right, VPos::Center)),
        ))?;
    }
    area.present()?;
    Ok(())
}
