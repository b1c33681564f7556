package dev.usher.server.notify;

import dev.usher.core.notify.Alert;
import dev.usher.core.notify.AlertKind;
import dev.usher.server.cluster.ClusterView;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Nodes that were serving and are no longer seen (stopped, crashed or cut off from the database).
 * Read-only use of the cluster view: a node counts as gone once the view stops listing it (it beats
 * every half second and is listed while seen in the last ten). Every surviving node notices; the
 * node's id makes it one message.
 */
final class NodeWatch implements Watch {

    private final ClusterView cluster;
    private Map<String, ClusterView.NodeView> seen;

    NodeWatch(ClusterView cluster) {
        this.cluster = cluster;
    }

    @Override
    public AlertKind kind() {
        return AlertKind.NODE_GONE;
    }

    @Override
    public synchronized List<Alert> check(Instant now, NotificationSettings settings) {
        Map<String, ClusterView.NodeView> current = new LinkedHashMap<>();
        for (ClusterView.NodeView n : cluster.nodes()) {
            if (!n.self()) { // a node that can run this is not gone (it may just not have beaten since the clock moved)
                current.put(n.id(), n);
            }
        }
        List<Alert> out = new ArrayList<>();
        if (seen != null) {
            for (ClusterView.NodeView gone : seen.values()) {
                if (!current.containsKey(gone.id())) {
                    out.add(alert(gone, current.size() + 1, now));
                }
            }
        }
        seen = current;
        return out;
    }

    private static Alert alert(ClusterView.NodeView n, int left, Instant now) {
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("node", n.id());
        facts.put("host", n.host());
        facts.put("url", n.url() == null ? "" : n.url());
        facts.put("lastSeen", n.lastSeenAt().toString());
        facts.put("nodesLeft", String.valueOf(left));
        return new Alert("node-gone:" + n.id(), AlertKind.NODE_GONE, now,
                "Usher node " + n.host() + " is gone; " + left + (left == 1 ? " node serves" : " nodes serve") + " now",
                "The node on " + n.host() + " (" + n.url() + ", version " + n.version() + ", id " + n.id() + ") was last seen at "
                        + n.lastSeenAt() + ": it stopped, crashed, or lost the database. " + left + (left == 1 ? " node" : " nodes")
                        + " still serve clients" + (n.sweeps() ? "; another node takes over sweeping lapsed leases." : ".")
                        + " If it was not stopped on purpose, look at its log and restart it.",
                facts, null);
    }
}
