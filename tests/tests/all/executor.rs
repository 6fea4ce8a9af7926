//! The fan-out: completion order, the worker bound, lost tasks, cancellation.

use azlin::executor::{FanOut, workers};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::sync::oneshot;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

#[test]
fn results_arrive_in_the_order_tasks_finish() {
    runtime().block_on(async {
        let (senders, receivers): (Vec<_>, Vec<_>) = (0..3).map(|_| oneshot::channel()).unzip();
        let mut fanout = FanOut::start(receivers, 3, |done: oneshot::Receiver<u32>| async move {
            done.await.expect("sent")
        });
        let mut senders: Vec<Option<oneshot::Sender<u32>>> =
            senders.into_iter().map(Some).collect();
        for index in [2, 0, 1] {
            senders[index]
                .take()
                .expect("once")
                .send(index as u32 * 10)
                .expect("send");
            let (finished, result) = fanout.next().await.expect("a result");
            assert_eq!((finished, result), (index, Ok(index as u32 * 10)));
        }
        assert_eq!(fanout.pending(), 0);
        assert!(fanout.next().await.is_none());
    });
}

#[test]
fn no_more_than_the_worker_count_run_at_once() {
    runtime().block_on(async {
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let (running_c, most_c) = (running.clone(), most.clone());
        let mut fanout = FanOut::start((0..40).collect(), 4, move |_: u32| {
            let (running, most) = (running_c.clone(), most_c.clone());
            async move {
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                tokio::task::yield_now().await;
                running.fetch_sub(1, Ordering::SeqCst);
            }
        });
        let mut seen = 0;
        while fanout.next().await.is_some() {
            seen += 1;
        }
        assert_eq!(seen, 40);
        assert_eq!(most.load(Ordering::SeqCst), 4);
        assert_eq!(workers(40, Some(4)), 4);
    });
}

#[test]
fn a_panicking_task_is_reported_against_its_item_and_the_rest_finish() {
    runtime().block_on(async {
        let mut fanout = FanOut::start(vec![1u32, 0, 2], 3, |n: u32| async move {
            assert!(n != 0, "boom");
            n
        });
        let mut results = Vec::new();
        while let Some((index, result)) = fanout.next().await {
            results.push((index, result.is_ok()));
        }
        results.sort();
        assert_eq!(results, vec![(0, true), (1, false), (2, true)]);
    });
}

#[test]
fn dropping_the_fanout_cancels_unfinished_tasks() {
    runtime().block_on(async {
        let (sender, receiver) = oneshot::channel::<()>();
        let fanout = FanOut::start(vec![sender], 1, |sender: oneshot::Sender<()>| async move {
            std::future::pending::<()>().await;
            drop(sender);
        });
        drop(fanout);
        assert!(
            receiver.await.is_err(),
            "the task's sender was dropped, so the task was cancelled"
        );
    });
}
