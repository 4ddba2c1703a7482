package io.waldiez.runner.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.waldiez.runner.crd.TaskPhase;
import io.waldiez.runner.crd.rbac.KubernetesPermissions;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import redis.embedded.RedisServer;

/** With leader election on, the operator takes the Lease before it reconciles. */
@EnableKubernetesMockClient(crud = true)
class LeaderElectionTest {

    static final String NS = "le";
    KubernetesMockServer server;
    KubernetesClient client;

    @Test
    void reconcilesOnlyAfterTakingTheLease() throws IOException {
        // java-operator-sdk first checks its Lease permissions with a SelfSubjectRulesReview (allowed
        // to every authenticated user); the CRUD mock cannot evaluate one, so it answers with our rule.
        var rule = KubernetesPermissions.OPERATOR_LEADER_ELECTION.get(0);
        server.expect().post().withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
                .andReturn(201, new SelfSubjectRulesReviewBuilder().withNewStatus().withIncomplete(false)
                        .addNewResourceRule().withApiGroups(rule.apiGroups()).withResources(rule.resources())
                        .withVerbs(rule.verbs()).endResourceRule().endStatus().build())
                .always();
        OperatorHarness.installCrd(client);
        int port = TestRedis.freePort();
        RedisServer redis = TestRedis.start(port);
        OperatorSettings base = OperatorSettings.defaults("redis://127.0.0.1:" + port).withWatchNamespaces(List.of(NS));
        OperatorSettings settings = new OperatorSettings(base.defaultImage(), base.watchNamespaces(), base.redisUrl(),
                base.runnerRedisUrl(), base.consumerName(), base.cancelGrace(), base.maxTtl(),
                base.archiveWait(), base.unknownTaskAckAfter(), base.reconcileThreads(),
                new OperatorSettings.LeaderElection(true, "waldiez-operator-lease", NS), base.taskWorkdir());
        try (OperatorHarness operator = new OperatorHarness(client, settings)) {
            operator.start();
            io.lettuce.core.RedisClient r = io.lettuce.core.RedisClient.create(base.redisUrl());
            TaskLifecycleScenarios scenarios = new TaskLifecycleScenarios(client, NS, r.connect().sync());
            scenarios.createTask("led", s -> { });
            scenarios.awaitPhase("led", TaskPhase.Pending, "JobCreated");
            await().atMost(TaskLifecycleScenarios.WAIT).untilAsserted(() -> {
                Lease lease = client.leases().inNamespace(NS).withName("waldiez-operator-lease").get();
                assertThat(lease).isNotNull();
                assertThat(lease.getSpec().getHolderIdentity()).isNotBlank();
            });
            r.shutdown();
        } finally {
            redis.stop();
        }
    }
}
