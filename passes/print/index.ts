export { printWithComments } from "./comments.js";
export { type FormatResult, formatSource } from "./format.js";
export {
  emitItem,
  type LineSink,
  type PrintedLine,
  printItem,
  printItemsText,
  printModule,
  refText,
  stepText,
} from "./print.js";
export { sameAst, withoutPositions } from "./same-ast.js";
