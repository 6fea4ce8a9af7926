//! A running fan-out: tasks start at once up to the worker count, results
//! come back in completion order, dropping it cancels what is left.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use tokio::sync::Semaphore;
use tokio::task::{Id, JoinSet};

/// A task that ended without a result (it panicked).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the task for this host stopped unexpectedly: {0}")]
pub struct Lost(pub String);

/// Tasks over a list of items; see [`FanOut::start`].
#[derive(Debug)]
pub struct FanOut<R> {
    tasks: JoinSet<R>,
    /// Item index of each task, to report a lost task against its item.
    indices: HashMap<Id, usize>,
}

impl<R: Send + 'static> FanOut<R> {
    /// Starts `task` on every item, at most `workers` at once. Must be
    /// called inside a tokio runtime.
    pub fn start<T, F, Fut>(items: Vec<T>, workers: usize, task: F) -> Self
    where
        T: Send + 'static,
        F: Fn(T) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = R> + Send + 'static,
    {
        let permits = Arc::new(Semaphore::new(workers.max(1)));
        let task = Arc::new(task);
        let mut tasks = JoinSet::new();
        let mut indices = HashMap::new();
        for (index, item) in items.into_iter().enumerate() {
            let (permits, task) = (permits.clone(), task.clone());
            let handle = tasks.spawn(async move {
                let _permit = permits.acquire_owned().await;
                task(item).await
            });
            indices.insert(handle.id(), index);
        }
        Self { tasks, indices }
    }

    /// The next finished item's index and result; `None` when all are done.
    pub async fn next(&mut self) -> Option<(usize, Result<R, Lost>)> {
        let joined = self.tasks.join_next_with_id().await?;
        Some(match joined {
            Ok((id, result)) => (self.index(id), Ok(result)),
            Err(error) => (self.index(error.id()), Err(Lost(error.to_string()))),
        })
    }

    /// Items not finished yet.
    pub fn pending(&self) -> usize {
        self.tasks.len()
    }

    fn index(&mut self, id: Id) -> usize {
        self.indices.remove(&id).unwrap_or(usize::MAX)
    }
}
