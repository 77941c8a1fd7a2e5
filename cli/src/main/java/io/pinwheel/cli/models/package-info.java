/**
 * Commands about encoders: {@code encode} (images to codes), {@code init-model} (an analytic
 * encoder), {@code train} with its {@code drsae} and {@code lateral} subcommands, and {@code eval}.
 */
package io.pinwheel.cli.models;
