package io.waldiez.runner.server.clients;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.waldiez.runner.server.auth.AuthenticatedClient;
import io.waldiez.runner.server.clients.ClientDtos.ClientCreate;
import io.waldiez.runner.server.clients.ClientDtos.ClientCreateResponse;
import io.waldiez.runner.server.clients.ClientDtos.ClientResponse;
import io.waldiez.runner.server.clients.ClientDtos.ClientUpdate;
import io.waldiez.runner.server.common.Page;
import io.waldiez.runner.server.common.PageParams;
import io.waldiez.runner.server.common.RequestValidationException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import java.util.Arrays;
import java.util.List;
import org.springdoc.core.annotations.ParameterObject;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/clients} (spec §4.13); the clients-api audience is enforced by SecurityConfig. */
@RestController
@RequestMapping("/api/v1/clients")
@Tag(name = "Clients")
public class ClientsController {

    private final ClientService clients;

    public ClientsController(ClientService clients) {
        this.clients = clients;
    }

    @Operation(summary = "List clients")
    @GetMapping
    public Page<ClientResponse> list(@Valid @ParameterObject PageParams paging,
            @RequestParam(required = false) String search,
            @RequestParam(name = "order_by", required = false) String orderBy,
            @RequestParam(name = "order_type", required = false) String orderType) {
        RequestValidationException.requireNoNul("query", "search", search);
        RequestValidationException.requireOneOf("query", "order_by", orderBy, ClientService.ORDER_BY);
        RequestValidationException.requireOneOf("query", "order_type", orderType, List.of("asc", "desc"));
        return clients.list(paging, search, orderBy, "desc".equals(orderType)).map(ClientResponse::of);
    }

    @Operation(summary = "Create a client; the response is the only place its plain secret appears")
    @PostMapping
    public ClientCreateResponse create(@Valid @RequestBody ClientCreate body) {
        ClientService.CreatedClient created = clients.create(
                body.clientId(), body.plainSecret(), body.audience(), body.name(), body.description());
        return ClientCreateResponse.of(created.client(), created.plainSecret());
    }

    @Operation(summary = "Get a client by its internal id")
    @GetMapping("/{id}")
    public ClientResponse get(@PathVariable String id) {
        return ClientResponse.of(clients.get(id));
    }

    @Operation(summary = "Update a client's name and/or description (null values are left as they are)")
    @PatchMapping("/{id}")
    public ClientResponse update(@PathVariable String id, @Valid @RequestBody ClientUpdate body) {
        return ClientResponse.of(clients.update(id, body.name(), body.description()));
    }

    @Operation(summary = "Same as PATCH (alias for clients that send PUT)")
    @PutMapping("/{id}")
    public ClientResponse replace(@PathVariable String id, @Valid @RequestBody ClientUpdate body) {
        return update(id, body);
    }

    @Operation(summary = "Give a client a new generated secret; the response is the only place it appears "
            + "(tokens issued before stay valid until they expire)")
    @PostMapping("/{id}/secret")
    public ClientCreateResponse rotateSecret(@PathVariable String id) {
        ClientService.CreatedClient rotated = clients.rotateSecret(id);
        return ClientCreateResponse.of(rotated.client(), rotated.plainSecret());
    }

    @Operation(summary = "Delete a client (not yourself); 204 also when it does not exist")
    @DeleteMapping("/{id}")
    public ResponseEntity<Void> delete(@PathVariable String id, @AuthenticationPrincipal AuthenticatedClient caller) {
        clients.delete(id, caller.id());
        return ResponseEntity.noContent().build();
    }

    @Operation(summary = "Delete every client matching all filters (never yourself); no filter deletes all others")
    @DeleteMapping
    public ResponseEntity<Void> deleteMany(@RequestParam(required = false) List<String> ids,
            @RequestParam(required = false) List<String> audiences,
            @RequestParam(required = false) List<String> excluded,
            @AuthenticationPrincipal AuthenticatedClient caller, HttpServletRequest request) {
        // "excluded" is accepted and ignored, as in the original.
        String[] rawIds = request.getParameterValues("ids");
        if (rawIds != null && Arrays.stream(rawIds).allMatch(String::isBlank)) {
            // "?ids=" names no client: delete nothing rather than fall back to "every other client".
            return ResponseEntity.noContent().build();
        }
        clients.deleteMany(ids == null ? null : ids.stream().filter(i -> !i.isBlank()).toList(), audiences, caller.id());
        return ResponseEntity.noContent().build();
    }
}
