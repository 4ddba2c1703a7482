package io.waldiez.runner.server.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.waldiez.runner.server.common.ApiException;
import io.waldiez.runner.server.common.RequestValidationException;
import io.waldiez.runner.server.common.ValidationError;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.ConstraintViolationException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.MessageSourceResolvable;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.core.Ordered;
import org.springframework.dao.DataAccessException;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.BindException;
import org.springframework.validation.FieldError;
import org.springframework.validation.ObjectError;
import org.springframework.web.ErrorResponse;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingRequestValueException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.multipart.support.MissingServletRequestPartException;
import org.springframework.web.servlet.NoHandlerFoundException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Every error leaves as {@code {"detail": ...}}: a string, or for request validation (422) the
 * FastAPI-style list of {@link ValidationError}. Unexpected exceptions are logged with their stack
 * trace and answered with a fixed 500 message, never with internals.
 */
@RestControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
public class ApiExceptionHandler {

    public static final String UNEXPECTED = "An unexpected error occurred.";
    /** Starlette's answer to a body it cannot parse; the original's clients know it. */
    public static final String UNPARSABLE = "There was an error parsing the body";
    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);
    /** Stack traces are for the operator; an anonymous caller must not be able to flood the log with them. */
    private static final LogThrottle UNEXPECTED_LOG = new LogThrottle(log, "unexpected errors", 20);

    @ExceptionHandler(ApiException.class)
    ResponseEntity<Object> api(ApiException e) {
        if (e.status().is5xxServerError()) {
            log.error("Server error: {}", e.detail());
            return body(e.status(), UNEXPECTED);
        }
        return body(e.status(), e.detail());
    }

    @ExceptionHandler(RequestValidationException.class)
    ResponseEntity<Object> validation(RequestValidationException e) {
        return unprocessable(e.errors());
    }

    /** @Valid bodies and @ModelAttribute/@ParameterObject query records (type errors included). */
    @ExceptionHandler(BindException.class)
    ResponseEntity<Object> bind(BindException e) {
        String where = e instanceof org.springframework.web.bind.MethodArgumentNotValidException m
                && m.getParameter().hasParameterAnnotation(org.springframework.web.bind.annotation.RequestBody.class)
                ? "body" : "query";
        List<ValidationError> errors = new ArrayList<>();
        for (FieldError fe : e.getFieldErrors()) {
            errors.add(fieldError(where, fe));
        }
        for (ObjectError oe : e.getGlobalErrors()) {
            errors.add(new ValidationError("value_error", List.of(where), oe.getDefaultMessage(), null));
        }
        return unprocessable(errors);
    }

    @ExceptionHandler(HandlerMethodValidationException.class)
    ResponseEntity<Object> methodValidation(HandlerMethodValidationException e) {
        List<ValidationError> errors = new ArrayList<>();
        e.getParameterValidationResults().forEach(result -> {
            String name = result.getMethodParameter().getParameterName();
            String where = result.getMethodParameter().hasParameterAnnotation(
                    org.springframework.web.bind.annotation.RequestBody.class) ? "body" : "query";
            for (MessageSourceResolvable error : result.getResolvableErrors()) {
                if (error instanceof FieldError fe) {
                    errors.add(fieldError(where, fe));
                } else {
                    errors.add(new ValidationError("value_error", List.of(where, String.valueOf(name)),
                            error.getDefaultMessage(), result.getArgument()));
                }
            }
        });
        return unprocessable(errors);
    }

    @ExceptionHandler(ConstraintViolationException.class)
    ResponseEntity<Object> constraint(ConstraintViolationException e) {
        List<ValidationError> errors = e.getConstraintViolations().stream()
                .map(v -> new ValidationError("value_error", List.of("query", lastNode(v.getPropertyPath().toString())),
                        v.getMessage(), v.getInvalidValue()))
                .toList();
        return unprocessable(errors);
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<Object> typeMismatch(MethodArgumentTypeMismatchException e) {
        String type = typeName(e.getRequiredType());
        return unprocessable(List.of(ValidationError.query(e.getName(), type + "_parsing",
                "Input should be a valid " + type, e.getValue())));
    }

    @ExceptionHandler({MissingServletRequestParameterException.class, MissingServletRequestPartException.class})
    ResponseEntity<Object> missing(Exception e) {
        String name = e instanceof MissingServletRequestParameterException p ? p.getParameterName()
                : ((MissingServletRequestPartException) e).getRequestPartName();
        return unprocessable(List.of(ValidationError.missing(
                e instanceof MissingServletRequestPartException ? "body" : "query", name)));
    }

    @ExceptionHandler(MissingRequestValueException.class)
    ResponseEntity<Object> missingValue(MissingRequestValueException e) {
        return unprocessable(List.of(new ValidationError("missing", List.of("request"), e.getMessage(), null)));
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<Object> unreadable(HttpMessageNotReadableException e) {
        Throwable cause = e.getMostSpecificCause();
        if (cause instanceof InvalidFormatException ife && !ife.getPath().isEmpty()) {
            String field = ife.getPath().get(ife.getPath().size() - 1).getFieldName();
            return unprocessable(List.of(ValidationError.body(String.valueOf(field), "type_error",
                    "Input should be a valid " + typeName(ife.getTargetType()), ife.getValue())));
        }
        if (cause instanceof MismatchedInputException mie && !mie.getPath().isEmpty()) {
            String field = mie.getPath().get(mie.getPath().size() - 1).getFieldName();
            return unprocessable(List.of(ValidationError.body(String.valueOf(field), "type_error",
                    "Input should be a valid " + typeName(mie.getTargetType()), null)));
        }
        String msg = cause instanceof JsonProcessingException jpe ? "JSON decode error: " + jpe.getOriginalMessage()
                : "Request body is missing or unreadable";
        return unprocessable(List.of(new ValidationError("json_invalid", List.of("body"), msg, null)));
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<Object> mediaType(HttpMediaTypeNotSupportedException e) {
        String got = e.getContentType() == null ? "none" : e.getContentType().toString();
        return body(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Unsupported media type: " + got + ". Supported: "
                + String.join(", ", e.getSupportedMediaTypes().stream().map(MediaType::toString).toList()));
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<Object> method(HttpRequestMethodNotSupportedException e) {
        return body(HttpStatus.METHOD_NOT_ALLOWED, "Method Not Allowed");
    }

    @ExceptionHandler({NoResourceFoundException.class, NoHandlerFoundException.class})
    ResponseEntity<Object> notFound(Exception e) {
        return body(HttpStatus.NOT_FOUND, "Not Found");
    }

    @ExceptionHandler(MaxUploadSizeExceededException.class)
    ResponseEntity<Object> tooLarge(MaxUploadSizeExceededException e) {
        return body(HttpStatus.PAYLOAD_TOO_LARGE, "Request too large.");
    }

    /**
     * Any route, any caller: a multipart body that cannot be parsed (no boundary, truncated, a part
     * header the container refuses). The dispatcher parses multipart before it looks for a handler.
     */
    @ExceptionHandler(MultipartException.class)
    ResponseEntity<Object> unparsableMultipart(MultipartException e) {
        return body(HttpStatus.BAD_REQUEST, UNPARSABLE);
    }

    /**
     * The firewall checks parameter names when a handler first lists them (e.g. a control character
     * in a query parameter's name); its message says which rule the request broke.
     */
    @ExceptionHandler(RequestRejectedException.class)
    ResponseEntity<Object> rejected(RequestRejectedException e) {
        return body(HttpStatus.BAD_REQUEST, e.getMessage());
    }

    /**
     * Safety net: a value the database refuses as data (SQLSTATE class 22: bad encoding, out of
     * range, ...) is the caller's input, so 400 rather than 500.
     */
    @ExceptionHandler(DataAccessException.class)
    ResponseEntity<Object> data(DataAccessException e, HttpServletRequest request) {
        if (NestedExceptionUtils.getMostSpecificCause(e) instanceof SQLException sql
                && sql.getSQLState() != null && sql.getSQLState().startsWith("22")) {
            log.warn("Rejected input on {} {}: SQLSTATE {}", request.getMethod(), request.getRequestURI(),
                    sql.getSQLState());
            return body(HttpStatus.BAD_REQUEST, "Invalid input value.");
        }
        return unexpected(e, request);
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> unexpected(Exception e, HttpServletRequest request) {
        // Other Spring MVC exceptions know their status (406, bad multipart 400, ...).
        if (e instanceof ErrorResponse er && !er.getStatusCode().is5xxServerError()) {
            String detail = er.getBody().getDetail() != null ? er.getBody().getDetail()
                    : HttpStatus.valueOf(er.getStatusCode().value()).getReasonPhrase();
            return body(er.getStatusCode(), detail);
        }
        String method = request.getMethod();
        String uri = request.getRequestURI();
        UNEXPECTED_LOG.log(l -> l.error("Unexpected error on {} {}", method, uri, e));
        return body(HttpStatus.INTERNAL_SERVER_ERROR, UNEXPECTED);
    }

    private static ValidationError fieldError(String where, FieldError fe) {
        String field = snake(fe.getField());
        if (fe.isBindingFailure()) {
            return new ValidationError("type_error", List.of(where, field),
                    "Input should be a valid value", fe.getRejectedValue());
        }
        return new ValidationError("value_error", List.of(where, field),
                fe.getDefaultMessage(), fe.getRejectedValue());
    }

    private static String snake(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase();
    }

    private static String lastNode(String path) {
        int dot = path.lastIndexOf('.');
        return dot < 0 ? path : path.substring(dot + 1);
    }

    private static String typeName(Class<?> type) {
        if (type == null) {
            return "value";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "integer";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "boolean";
        }
        if (type == String.class) {
            return "string";
        }
        return type.getSimpleName().toLowerCase();
    }

    private static ResponseEntity<Object> unprocessable(List<ValidationError> errors) {
        return ResponseEntity.unprocessableEntity().contentType(MediaType.APPLICATION_JSON)
                .body(Map.of("detail", errors));
    }

    private static ResponseEntity<Object> body(HttpStatusCode status, String detail) {
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(Map.of("detail", detail));
    }
}
