// A plain script, not a module: browsers run it from file:// too, where they refuse the
// playground's modules and would leave the page blank. It says how to open the page instead.
if (location.protocol === 'file:') {
  var app = document.getElementById('app');
  var box = document.createElement('div');
  box.className = 'fatal file-protocol';
  box.setAttribute('data-testid', 'file-protocol');
  box.setAttribute('role', 'alert');
  var title = document.createElement('h1');
  title.textContent = 'The playground must be served, not opened as a file';
  var text = document.createElement('p');
  text.textContent = 'Browsers do not run its modules and WebAssembly from file:// pages. From the repository, run:';
  var command = document.createElement('pre');
  command.textContent = 'npm run preview:demo';
  var after = document.createElement('p');
  after.textContent = 'and open the address it prints (http://127.0.0.1:4173/ by default). Any static web server for the dist-demo folder does as well.';
  box.append(title, text, command, after);
  app.replaceChildren(box);
}
