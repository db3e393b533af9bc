// The shape of a command's file: it registers its commands on the program, printing through `io`.
import type { Command } from 'commander';
import type { CliIO } from '../io.js';

export type Registrar = (program: Command, io: CliIO) => void;
