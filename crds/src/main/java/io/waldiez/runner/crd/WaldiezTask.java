package io.waldiez.runner.crd;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/** One run of a Waldiez flow; the operator turns it into a Kubernetes Job. */
@JsonClassDescription("One run of a Waldiez flow (.waldiez): the operator runs it as a Kubernetes Job of the runner"
        + " image and reports its progress in status. Docs: docs/operator.md.")
@Group(WaldiezTask.GROUP)
@Version(WaldiezTask.VERSION)
@Kind(WaldiezTask.KIND)
@Plural(WaldiezTask.PLURAL)
@Singular("waldieztask")
@ShortNames("wt")
@Categories("waldiez")
// kubectl get wt shows the columns in this order (the build keeps it: crd.generate.CrdGeneration)
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Reason", jsonPath = ".status.reason", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Started", jsonPath = ".status.startTime", type = AdditionalPrinterColumn.Type.DATE)
@AdditionalPrinterColumn(name = "Completed", jsonPath = ".status.completionTime", type = AdditionalPrinterColumn.Type.DATE)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class WaldiezTask extends CustomResource<WaldiezTaskSpec, WaldiezTaskStatus> implements Namespaced {

    public static final String GROUP = "waldiez.io";
    public static final String VERSION = "v1alpha1";
    public static final String KIND = "WaldiezTask";
    public static final String PLURAL = "waldieztasks";
    /** Name of the file crd-generator writes (classpath resource {@code META-INF/fabric8/<this>}). */
    public static final String CRD_FILE = PLURAL + "." + GROUP + "-v1.yml";
    public static final String CRD_RESOURCE = "/META-INF/fabric8/" + CRD_FILE;
}
