//! The collector's activity: poll the files every `poll_interval`, wake the sender when a
//! batch reaches the spool, and on stop spool the partial batch and save the offsets.

use tokio::sync::watch;
use tokio::time::MissedTickBehavior;
use tracing::{error, info};

use crate::run::{RunConfig, Shared};

pub(crate) async fn collect_loop(
    shared: &Shared,
    config: &RunConfig,
    mut stop: watch::Receiver<bool>,
) {
    let mut tick = tokio::time::interval(config.poll_interval);
    tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut failing = false;
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stop.wait_for(|s| *s) => break,
        }
        let result = {
            let mut collector = shared.collector.borrow_mut();
            let mut spool = shared.spool.borrow_mut();
            collector.poll(&mut spool, config.flush_interval)
        };
        match result {
            Ok(spooled) => {
                if failing {
                    info!("the spool is writable again");
                    failing = false;
                }
                if spooled > 0 {
                    shared.spooled.notify_one();
                }
            }
            Err(e) => {
                if !failing {
                    error!(error = %e, "cannot write the spool or the offsets; lines wait in the files");
                }
                failing = true;
            }
        }
    }
    let mut collector = shared.collector.borrow_mut();
    let mut spool = shared.spool.borrow_mut();
    match collector.flush(&mut spool) {
        Ok(_) => info!(
            spooled_batches = spool.len(),
            buffered_events = spool.buffered_events(),
            "partial batch spooled and offsets saved"
        ),
        Err(e) => {
            error!(error = %e, "could not spool the last batch; its lines will be read again")
        }
    }
}
