// Documentation of built-ins, read by `get-doc` and `help!` when the program's space has no
// `(@doc ...)` for a name. Kept out of `&self` so that it never shows up in the program's queries.

import { type Atom, isExpression, isSymbol } from '../../core/index.js';
import { Parser } from '../../core/index.js';

const TEXT = `
(@doc if
  (@desc "Replace itself by one of the arguments depending on condition.")
  (@params ((@param "Boolean condition") (@param "Result when condition is True") (@param "Result when condition is False")))
  (@return "Second or third argument"))
(@doc let
  (@desc "Unify the first two arguments and evaluate the third argument under the resulting bindings")
  (@params ((@param "Pattern") (@param "Atom to unify with the pattern") (@param "Expression to evaluate when the unification succeeds")))
  (@return "Result of evaluating the third argument"))
(@doc let*
  (@desc "Like let, but takes a list of (pattern value) pairs, unified one after another")
  (@params ((@param "List of (pattern value) pairs") (@param "Expression to evaluate under the bindings")))
  (@return "Result of evaluating the second argument"))
(@doc case
  (@desc "Evaluate the first argument and return the body of the first (pattern body) pair whose pattern unifies with each result; Empty matches when there is no result")
  (@params ((@param "Atom to evaluate") (@param "List of (pattern body) pairs")))
  (@return "Result of evaluating the body of the matching pair"))
(@doc superpose
  (@desc "Turn a tuple into non-deterministic results, one per element")
  (@params ((@param "Tuple to be converted")))
  (@return "The elements of the tuple, each as a separate result"))
(@doc collapse
  (@desc "Evaluate the argument and collect all its results into one tuple")
  (@params ((@param "Atom to evaluate")))
  (@return "Tuple of the results"))
(@doc match
  (@desc "Search the space for atoms unifying with the pattern and instantiate the template for each")
  (@params ((@param "Space to search") (@param "Pattern") (@param "Template")))
  (@return "The template instantiated with the bindings of each match"))
(@doc println!
  (@desc "Print a line to the standard output (strings without quotes)")
  (@params ((@param "Atom to print")))
  (@return "Unit atom"))
(@doc car-atom
  (@desc "Extract the first atom of an expression")
  (@params ((@param "Expression")))
  (@return "First atom of the expression"))
(@doc cdr-atom
  (@desc "Extract the tail of an expression (all but the first atom)")
  (@params ((@param "Expression")))
  (@return "Tail of the expression"))
(@doc size-atom
  (@desc "Return the number of atoms in an expression")
  (@params ((@param "Expression to measure")))
  (@return "Size of the expression"))
(@doc index-atom
  (@desc "Return the atom at the given zero-based position of an expression")
  (@params ((@param "Expression") (@param "Index")))
  (@return "Atom at the index, or an error when the index is out of bounds"))
(@doc min-atom
  (@desc "Return the smallest number of an expression of numbers")
  (@params ((@param "Expression of numbers")))
  (@return "The smallest element"))
(@doc max-atom
  (@desc "Return the largest number of an expression of numbers")
  (@params ((@param "Expression of numbers")))
  (@return "The largest element"))
(@doc map-atom
  (@desc "Evaluate the template for each atom of a list, with the variable replaced by that atom")
  (@params ((@param "List of atoms") (@param "Variable") (@param "Template using the variable")))
  (@return "List of the results"))
(@doc filter-atom
  (@desc "Keep the atoms of a list for which the filter, with the variable replaced by the atom, evaluates to True")
  (@params ((@param "List of atoms") (@param "Variable") (@param "Filter using the variable")))
  (@return "Filtered list"))
(@doc foldl-atom
  (@desc "Fold a list from the left: the operation is applied to the accumulator (first variable) and each element (second variable), starting from the initial value")
  (@params ((@param "List of values") (@param "Initial value") (@param "Accumulator variable") (@param "Element variable") (@param "Operation")))
  (@return "Result of the last application of the operation"))
(@doc unique-atom
  (@desc "Remove repeated atoms from an expression, keeping the first of each")
  (@params ((@param "Expression")))
  (@return "Expression without repetitions"))
(@doc union-atom
  (@desc "Multiset union of two expressions")
  (@params ((@param "First expression") (@param "Second expression")))
  (@return "All atoms of both expressions"))
(@doc intersection-atom
  (@desc "Multiset intersection of two expressions")
  (@params ((@param "First expression") (@param "Second expression")))
  (@return "Atoms of the first expression that are also in the second"))
(@doc subtraction-atom
  (@desc "Multiset subtraction of two expressions")
  (@params ((@param "First expression") (@param "Second expression")))
  (@return "Atoms of the first expression without those of the second"))
(@doc unique
  (@desc "Evaluate the argument and return its results without repetitions")
  (@params ((@param "Atom to evaluate")))
  (@return "Unique results"))
(@doc union
  (@desc "Evaluate both arguments and return the results of both")
  (@params ((@param "First atom to evaluate") (@param "Second atom to evaluate")))
  (@return "Multiset union of the results"))
(@doc intersection
  (@desc "Evaluate both arguments and return the results of the first that are also results of the second")
  (@params ((@param "First atom to evaluate") (@param "Second atom to evaluate")))
  (@return "Multiset intersection of the results"))
(@doc subtraction
  (@desc "Evaluate both arguments and return the results of the first that are not results of the second")
  (@params ((@param "First atom to evaluate") (@param "Second atom to evaluate")))
  (@return "Multiset subtraction of the results"))
(@doc for-each-in-atom
  (@desc "Apply a function to each atom of an expression, for its effects")
  (@params ((@param "Expression") (@param "Function")))
  (@return "Unit atom"))
(@doc noreduce-eq
  (@desc "Check the equality of two atoms without reducing them")
  (@params ((@param "First atom") (@param "Second atom")))
  (@return "True when the atoms are equal, False otherwise"))
(@doc =alpha
  (@desc "Check alpha equality of two atoms: equal up to a consistent renaming of variables")
  (@params ((@param "First atom") (@param "Second atom")))
  (@return "True when the atoms are alpha equal, False otherwise"))
(@doc type-cast
  (@desc "Cast the atom to the type, using the space for type declarations")
  (@params ((@param "Atom to cast") (@param "Type to cast the atom to") (@param "Space")))
  (@return "The atom when it has the type, (Error atom BadType) otherwise"))
(@doc format-args
  (@desc "Replace each {} of the format string by the next argument (strings without quotes)")
  (@params ((@param "Format string") (@param "Tuple of arguments")))
  (@return "Formatted string"))
(@doc sort-strings
  (@desc "Sort an expression of strings")
  (@params ((@param "Expression of strings")))
  (@return "Sorted expression"))
(@doc repr
  (@desc "Create the string representation of an atom")
  (@params ((@param "Atom")))
  (@return "String representation of the atom"))
(@doc parse
  (@desc "Parse a string into an atom")
  (@params ((@param "String to parse")))
  (@return "The parsed atom"))
(@doc print-alternatives!
  (@desc "Print the number of alternatives with a label, then each alternative on its own line")
  (@params ((@param "Label") (@param "Tuple of alternatives")))
  (@return "Unit atom"))
(@doc assertEqual
  (@desc "Compare the results of evaluating both arguments as multisets")
  (@params ((@param "First atom to evaluate") (@param "Second atom to evaluate")))
  (@return "Unit atom when the results are equal, an error with a report otherwise"))
(@doc assertEqualToResult
  (@desc "Compare the results of evaluating the first argument with the listed results, as multisets")
  (@params ((@param "Atom to evaluate") (@param "Tuple of expected results (not evaluated)")))
  (@return "Unit atom when the results are equal, an error with a report otherwise"))
(@doc assertAlphaEqual
  (@desc "Compare the results of evaluating both arguments as multisets, up to renaming of variables")
  (@params ((@param "First atom to evaluate") (@param "Second atom to evaluate")))
  (@return "Unit atom when the results are alpha equal, an error with a report otherwise"))
(@doc assertAlphaEqualToResult
  (@desc "Compare the results of evaluating the first argument with the listed results, as multisets, up to renaming of variables")
  (@params ((@param "Atom to evaluate") (@param "Tuple of expected results (not evaluated)")))
  (@return "Unit atom when the results are alpha equal, an error with a report otherwise"))
(@doc assertEqualMsg
  (@desc "Like assertEqual, with the given message as the error's payload")
  (@params ((@param "First atom to evaluate") (@param "Second atom to evaluate") (@param "Message")))
  (@return "Unit atom when the results are equal, an error with the message otherwise"))
(@doc assertEqualToResultMsg
  (@desc "Like assertEqualToResult, with the given message as the error's payload")
  (@params ((@param "Atom to evaluate") (@param "Tuple of expected results (not evaluated)") (@param "Message")))
  (@return "Unit atom when the results are equal, an error with the message otherwise"))
(@doc assertAlphaEqualMsg
  (@desc "Like assertAlphaEqual, with the given message as the error's payload")
  (@params ((@param "First atom to evaluate") (@param "Second atom to evaluate") (@param "Message")))
  (@return "Unit atom when the results are alpha equal, an error with the message otherwise"))
(@doc assertAlphaEqualToResultMsg
  (@desc "Like assertAlphaEqualToResult, with the given message as the error's payload")
  (@params ((@param "Atom to evaluate") (@param "Tuple of expected results (not evaluated)") (@param "Message")))
  (@return "Unit atom when the results are alpha equal, an error with the message otherwise"))
(@doc assertIncludes
  (@desc "Check that the listed atoms are among the results of evaluating the first argument (as a multiset)")
  (@params ((@param "Atom to evaluate") (@param "Tuple of atoms that must be among the results")))
  (@return "Unit atom when all are included, an error with a report otherwise"))
(@doc assert
  (@desc "Check that the argument evaluates to True, exactly once")
  (@params ((@param "Atom to evaluate")))
  (@return "Unit atom when it does, an error with a report otherwise"))
(@doc get-doc
  (@desc "Return the documentation of an atom in formal form")
  (@params ((@param "Atom")))
  (@return "(@doc-formal ...) of the atom"))
(@doc help!
  (@desc "Print the documentation of an atom")
  (@params ((@param "Atom")))
  (@return "Unit atom"))
`;

let table: Map<string, Atom[]> | null = null;

/** The `(@doc <name> ...)` atoms of the built-in `name` (empty when it has none). */
export function builtinDocs(name: Atom): Atom[] {
  if (table === null) {
    table = new Map();
    const parser = new Parser(TEXT, '<stdlib-docs>');
    for (let item = parser.next(); item !== null; item = parser.next()) {
      const a = item.atom;
      if (!isExpression(a) || a.children.length < 3 || !isSymbol(a.children[1]!)) continue;
      const key = a.children[1].name;
      const list = table.get(key) ?? [];
      list.push(a);
      table.set(key, list);
    }
  }
  return isSymbol(name) ? (table.get(name.name) ?? []) : [];
}
