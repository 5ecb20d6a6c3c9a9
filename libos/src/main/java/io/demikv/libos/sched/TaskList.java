package io.demikv.libos.sched;

/**
 * An intrusive FIFO of {@link Task}s (a queue's waiting pops, the scheduler's run queue). A task is in at
 * most one list at a time; adding it to one removes it from the other. No allocation. Libos thread only.
 */
public final class TaskList {
    private Task head;
    private Task tail;
    private int size;

    public boolean isEmpty() {
        return head == null;
    }

    public int size() {
        return size;
    }

    public Task peek() {
        return head;
    }

    public void addLast(Task t) {
        if (t.list != null) {
            t.list.remove(t);
        }
        t.list = this;
        t.prev = tail;
        t.next = null;
        if (tail == null) {
            head = t;
        } else {
            tail.next = t;
        }
        tail = t;
        size++;
    }

    public Task pollFirst() {
        Task t = head;
        if (t != null) {
            remove(t);
        }
        return t;
    }

    public void remove(Task t) {
        if (t.list != this) {
            return;
        }
        if (t.prev == null) {
            head = t.next;
        } else {
            t.prev.next = t.next;
        }
        if (t.next == null) {
            tail = t.prev;
        } else {
            t.next.prev = t.prev;
        }
        t.prev = null;
        t.next = null;
        t.list = null;
        size--;
    }
}
