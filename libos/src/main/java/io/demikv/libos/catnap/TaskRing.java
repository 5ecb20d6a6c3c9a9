package io.demikv.libos.catnap;

import io.demikv.libos.sched.Task;

/**
 * The pending operations of one direction of a socket (its pops or accepts; its pushes or connect), in the
 * order the application started them, which is the order they complete in. A growable power-of-two ring:
 * unlike a {@link io.demikv.libos.sched.TaskList}, holding a task here does not take it off the
 * scheduler's run queue. Allocates only when it grows. Libos thread only.
 */
final class TaskRing {
    private Task[] items = new Task[4];
    private int head;
    private int count;

    boolean isEmpty() {
        return count == 0;
    }

    int size() {
        return count;
    }

    /** The oldest task, or {@code null}. */
    Task peek() {
        return count == 0 ? null : items[head];
    }

    void addLast(Task t) {
        if (count == items.length) {
            Task[] grown = new Task[items.length * 2];
            for (int i = 0; i < count; i++) {
                grown[i] = items[(head + i) & (items.length - 1)];
            }
            items = grown;
            head = 0;
        }
        items[(head + count) & (items.length - 1)] = t;
        count++;
    }

    /** Removes and returns the oldest task, or {@code null}. */
    Task pollFirst() {
        if (count == 0) {
            return null;
        }
        Task t = items[head];
        items[head] = null;
        head = (head + 1) & (items.length - 1);
        count--;
        return t;
    }
}
