/**
 * The runner's Redis protocol, version 2 (docs/protocol.md): key names, the entries written to
 * each stream, and how they are encoded as flat string maps. Shared by the API server and the
 * operator so that both read and write exactly the same shapes.
 */
package io.waldiez.runner.protocol;
