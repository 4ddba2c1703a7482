package io.waldiez.runner.server.auth;

import static io.waldiez.runner.server.auth.Audiences.ADMIN_API;
import static io.waldiez.runner.server.auth.Audiences.CLIENTS_API;
import static io.waldiez.runner.server.auth.Audiences.TASKS_API;

import io.waldiez.runner.server.web.ErrorBodies;
import io.waldiez.runner.server.web.OriginAwareCorsProcessor;
import io.waldiez.runner.server.web.OriginPolicy;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import org.slf4j.MDC;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.DelegatingPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.authentication.InsufficientAuthenticationException;
import org.springframework.web.cors.CorsConfigurationSource;
import org.springframework.web.filter.CorsFilter;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Route audiences (spec §2): tasks → tasks-api or admin-api (each route narrows further with
 * {@link AuthenticatedClient#requireAudience}), admin → admin-api, clients → clients-api, status →
 * any. Everything else is public at this level; {@code /ws/**} authenticates its own handshake
 * through {@link TokenVerifier}.
 *
 * <p>Both a missing token and a token for the wrong audience answer 401, as the original does;
 * route-specific 403s (e.g. self-delete) come from the features.
 */
@Configuration(proxyBeanMethods = false)
public class SecurityConfig {

    @Bean
    SecurityFilterChain apiSecurity(HttpSecurity http, ClientJwtAuthenticationConverter converter,
            ErrorBodies errors, @Qualifier("corsConfigurationSource") CorsConfigurationSource corsSource,
            OriginPolicy origins) throws Exception {
        // Spring's CORS filter with a processor that knows a proxied page's own origin (OriginPolicy).
        CorsFilter cors = new CorsFilter(corsSource);
        cors.setCorsProcessor(new OriginAwareCorsProcessor(origins));
        AuthenticationEntryPoint entryPoint = (request, response, e) -> unauthorized(errors, response, e);
        AccessDeniedHandler accessDenied = (request, response, e) ->
                errors.write(response, 401, AuthenticatedClient.INVALID_CREDENTIALS);
        http
                .csrf(AbstractHttpConfigurer::disable)
                .cors(AbstractHttpConfigurer::disable)
                .addFilter(cors)
                // SecurityHeadersFilter writes the original's header set; Spring's would conflict.
                .headers(AbstractHttpConfigurer::disable)
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(AbstractHttpConfigurer::disable)
                .securityContext(c -> c.requireExplicitSave(true))
                .formLogin(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .anonymous(Customizer.withDefaults())
                .authorizeHttpRequests(auth -> auth
                        .requestMatchers(HttpMethod.OPTIONS, "/**").permitAll()
                        .requestMatchers("/api/v1/admin", "/api/v1/admin/**")
                                .hasAuthority(Audiences.authority(ADMIN_API))
                        .requestMatchers("/api/v1/tasks", "/api/v1/tasks/**")
                                .hasAnyAuthority(Audiences.authorities(TASKS_API, ADMIN_API))
                        .requestMatchers("/api/v1/clients", "/api/v1/clients/**")
                                .hasAuthority(Audiences.authority(CLIENTS_API))
                        .requestMatchers("/status")
                                .hasAnyAuthority(Audiences.authorities(TASKS_API, CLIENTS_API, ADMIN_API))
                        .anyRequest().permitAll())
                .oauth2ResourceServer(rs -> rs
                        .bearerTokenResolver(apiBearerTokenResolver())
                        .jwt(jwt -> jwt.jwtAuthenticationConverter(converter))
                        .authenticationEntryPoint(entryPoint)
                        .accessDeniedHandler(accessDenied))
                .exceptionHandling(ex -> ex.authenticationEntryPoint(entryPoint).accessDeniedHandler(accessDenied))
                .addFilterAfter(new CallerMdcFilter(), BearerTokenAuthenticationFilter.class);
        return http.build();
    }

    private static void unauthorized(ErrorBodies errors, HttpServletResponse response, AuthenticationException e)
            throws IOException {
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        // No token at all → FastAPI's "Not authenticated"; a token that fails any check → "Invalid credentials."
        String detail = e instanceof InsufficientAuthenticationException
                ? "Not authenticated" : AuthenticatedClient.INVALID_CREDENTIALS;
        errors.write(response, 401, detail);
    }

    /**
     * Bearer tokens are read only on the REST API routes (header only, like the original), so a stale
     * Authorization header cannot break /auth/token, /health or the docs.
     */
    static BearerTokenResolver apiBearerTokenResolver() {
        DefaultBearerTokenResolver delegate = new DefaultBearerTokenResolver();
        return request -> {
            String path = request.getRequestURI().substring(request.getContextPath().length());
            if (path.startsWith("/api/") || path.equals("/status") || path.equals("/status/")) {
                return delegate.resolve(request);
            }
            return null;
        };
    }

    /**
     * Argon2id for new hashes ({@code {argon2}} prefix); bcrypt and prefix-less PHC strings from the
     * original's database ({@code $argon2id$...}, {@code $2b$...}) still verify, and upgrade on login.
     */
    @Bean
    PasswordEncoder passwordEncoder(AuthProperties props) {
        AuthProperties.Argon2 a = props.argon2();
        Argon2PasswordEncoder argon2 = new Argon2PasswordEncoder(16, 32, a.parallelism(), a.memoryKib(), a.iterations());
        BCryptPasswordEncoder bcrypt = new BCryptPasswordEncoder();
        DelegatingPasswordEncoder encoder = new DelegatingPasswordEncoder("argon2", Map.of("argon2", argon2, "bcrypt", bcrypt));
        encoder.setDefaultPasswordEncoderForMatches(new PasswordEncoder() {
            @Override
            public String encode(CharSequence raw) {
                return argon2.encode(raw);
            }

            @Override
            public boolean matches(CharSequence raw, String encoded) {
                if (encoded == null) {
                    return false;
                }
                if (encoded.startsWith("$argon2")) {
                    return argon2.matches(raw, encoded);
                }
                if (encoded.startsWith("$2a$") || encoded.startsWith("$2b$") || encoded.startsWith("$2y$")) {
                    return bcrypt.matches(raw, encoded);
                }
                return false;
            }
        });
        return encoder;
    }

    /** Puts the caller's internal client id into the log MDC as {@code client_id}. */
    static final class CallerMdcFilter extends OncePerRequestFilter {
        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            Authentication auth = SecurityContextHolder.getContext().getAuthentication();
            if (auth != null && auth.getPrincipal() instanceof AuthenticatedClient client) {
                MDC.put("client_id", client.id());
                try {
                    chain.doFilter(request, response);
                } finally {
                    MDC.remove("client_id");
                }
            } else {
                chain.doFilter(request, response);
            }
        }
    }
}
