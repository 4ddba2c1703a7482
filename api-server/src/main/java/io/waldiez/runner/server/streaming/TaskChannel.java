package io.waldiez.runner.server.streaming;

import io.waldiez.runner.protocol.StreamIds;
import io.waldiez.runner.protocol.OutputEntry;
import io.waldiez.runner.protocol.StreamKeys;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The subscribers of one task in this process and the shared cursor of its output stream: the last
 * entry dispatched to them. Everything that changes the cursor or the subscriber set holds this
 * object's lock, which is what makes "history up to the cursor, live after it" seamless.
 */
final class TaskChannel {

    final String taskId;
    final String key;
    private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
    private volatile String cursor;
    private boolean closed;

    TaskChannel(String taskId, String cursor) {
        this.taskId = taskId;
        this.key = StreamKeys.output(taskId);
        this.cursor = cursor;
    }

    String cursor() {
        return cursor;
    }

    synchronized boolean isClosed() {
        return closed;
    }

    /** Adds a subscriber; its history must end at the returned cursor, live frames start after it. */
    synchronized String add(Subscriber s) {
        subscribers.add(s);
        s.liveFloor = cursor;
        return cursor;
    }

    /** @return true if no subscriber is left */
    synchronized boolean remove(Subscriber s) {
        subscribers.remove(s);
        return subscribers.isEmpty();
    }

    synchronized int size() {
        return subscribers.size();
    }

    /** Sends the entries after the cursor to every subscriber (the reader and catch-ups may overlap). */
    synchronized void dispatch(List<OutputEntry> entries, StreamFrames frames) {
        if (closed) {
            return;
        }
        for (OutputEntry e : entries) {
            if (StreamIds.isAfter(e.id(), cursor)) {
                cursor = e.id();
                Frame f = frames.output(e);
                for (Subscriber s : subscribers) {
                    s.offer(f);
                }
            }
        }
    }

    /** A status frame to everyone; after a final one the channel takes no one else. */
    synchronized void dispatchStatus(Frame status) {
        if (closed) {
            return;
        }
        for (Subscriber s : subscribers) {
            s.offer(status);
        }
        if (status.isFinalStatus()) {
            closed = true;
        }
    }

    List<Subscriber> subscribers() {
        return subscribers;
    }
}
