import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.codelibs.opensearch.runner.OpenSearchRunner;
import org.opensearch.node.Node;

/**
 * RunnerCluster runs N OpenSearch nodes in this one JVM (cluster.sh --mode runner)
 * and lets cluster.sh stop and restart single nodes through a control file.
 *
 * <p>Arguments: BASE_DIR CLUSTER_NAME NODES HTTP_PORT TRANSPORT_PORT. Node i (1-based)
 * is named "n<i>", listens on 127.0.0.1, HTTP_PORT+i-1 and TRANSPORT_PORT+i-1. The
 * ports are fixed: a busy port makes the node fail to start instead of moving up.
 *
 * <p>Control: cluster.sh writes "stop I" or "start I" into BASE_DIR/control (by a
 * rename, so it is read whole); the answer ("ok ..." or "error ...") appears in
 * BASE_DIR/control.out. A node stopped this way closes cleanly; all nodes share
 * this JVM, so a crash of one process cannot be simulated (use --mode dist).
 *
 * <p>It is started by the Java source launcher ({@code java -cp CP RunnerCluster.java}),
 * so nothing needs compiling ahead of time.
 */
public final class RunnerCluster {

    private RunnerCluster() {
    }

    public static void main(final String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: RunnerCluster BASE_DIR CLUSTER_NAME NODES HTTP_PORT TRANSPORT_PORT");
            System.exit(2);
        }
        final Path base = Paths.get(args[0]).toAbsolutePath();
        final String clusterName = args[1];
        final int nodes = Integer.parseInt(args[2]);
        final int httpPort = Integer.parseInt(args[3]);
        final int transportPort = Integer.parseInt(args[4]);

        final List<String> seeds = new ArrayList<>();
        final List<String> names = new ArrayList<>();
        for (int i = 1; i <= nodes; i++) {
            seeds.add("127.0.0.1:" + (transportPort + i - 1));
            names.add("n" + i);
        }

        final OpenSearchRunner runner = new OpenSearchRunner();
        // Never probe for a free HTTP port: the configured one is used or the node fails.
        runner.setMaxHttpPort(-1);
        runner.onBuild((i, settings) -> {
            settings.put("node.name", "n" + i);
            settings.put("network.host", "127.0.0.1");
            settings.put("http.port", String.valueOf(httpPort + i - 1));
            settings.put("transport.port", String.valueOf(transportPort + i - 1));
            settings.putList("discovery.seed_hosts", seeds);
            settings.putList("cluster.initial_cluster_manager_nodes", names);
            // The runner starts nodes one after another, and a node's start waits (30 s by
            // default) for a cluster that cannot form before the second node is up.
            settings.put("discovery.initial_state_timeout", "0s");
            settings.putList("node.roles", "cluster_manager", "data", "ingest");
            // A nearly full disk must not leave replicas unassigned on a CI machine.
            settings.put("cluster.routing.allocation.disk.threshold_enabled", "false");
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                runner.close();
            } catch (final Exception e) {
                System.err.println("close: " + e);
            }
        }));

        try {
            runner.build(OpenSearchRunner.newConfigs()
                    .basePath(base.toString())
                    .numOfNode(nodes)
                    .clusterName(clusterName)
                    .printOnFailure());
        } catch (final RuntimeException e) {
            e.printStackTrace();
            System.exit(1);
        }
        System.out.println("RunnerCluster: " + nodes + " nodes started");

        final Path control = base.resolve("control");
        final Path answer = base.resolve("control.out");
        while (true) {
            if (Files.exists(control)) {
                final String command = Files.readString(control, StandardCharsets.UTF_8).trim();
                Files.delete(control);
                final String result = execute(runner, command);
                System.out.println("RunnerCluster: " + command + ": " + result);
                final Path tmp = base.resolve("control.out.tmp");
                Files.writeString(tmp, result + "\n", StandardCharsets.UTF_8);
                Files.move(tmp, answer, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            Thread.sleep(200);
        }
    }

    /** execute runs one control command and says what happened. */
    private static String execute(final OpenSearchRunner runner, final String command) {
        final String[] parts = command.split("\\s+");
        if (parts.length != 2) {
            return "error: want 'stop I' or 'start I', got '" + command + "'";
        }
        final int index;
        try {
            index = Integer.parseInt(parts[1]) - 1;
        } catch (final NumberFormatException e) {
            return "error: bad node number '" + parts[1] + "'";
        }
        final Node node = runner.getNode(index);
        if (node == null) {
            return "error: no node " + parts[1];
        }
        try {
            switch (parts[0]) {
            case "stop":
                if (node.isClosed()) {
                    return "ok: n" + parts[1] + " already stopped";
                }
                node.close();
                if (!node.awaitClose(30, TimeUnit.SECONDS)) {
                    return "error: n" + parts[1] + " did not close within 30s";
                }
                return "ok: n" + parts[1] + " stopped";
            case "start":
                if (!node.isClosed()) {
                    return "ok: n" + parts[1] + " already running";
                }
                return runner.startNode(index) ? "ok: n" + parts[1] + " started" : "error: n" + parts[1] + " did not start";
            default:
                return "error: unknown command '" + parts[0] + "'";
            }
        } catch (final Exception e) {
            return "error: " + e;
        }
    }
}
